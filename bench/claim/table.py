#!/usr/bin/env python3
"""bench/claim/table.py LOG: the claim benchmark's table.

Reads the "BENCH STATE METHOD STEP WALL_US USER_US SYS_US" lines that
bench/claim/guest.sh printed on the guest's console (the e2e log) and prints,
per starting state and method, the median, min and max wall time of the
claim, of the release, and of claim + release (the two of one round added),
the median CPU time (user + system, of the command and its children), and the
ratio of each median to the shell loop's in the same state (below 1: faster
than the shell loop). Standard library only.
"""
import statistics
import sys

STATES = [("warm", "on host drivers, vfio-pci loaded"),
          ("cold", "on host drivers, no vfio module loaded"),
          ("boot", "unbound, no vfio module loaded (initramfs)")]
METHODS = [("addr", "vfiobox vfio-claim ADDR / vfio-release ADDR"),
           ("ids", "vfiobox vfio-claim ids= / vfio-release ids="),
           ("shell", "shell loop (vfio-pci-override.sh / -release.sh)"),
           ("modprobe", "modprobe vfio-pci ids=")]


def main():
    runs = {}  # (state, method, step) -> [(wall, cpu)]
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) == 7 and w[0] == "BENCH":
                try:
                    wall, user, sys_ = int(w[4]), int(w[5]), int(w[6])
                except ValueError:
                    continue
                runs.setdefault((w[1], w[2], w[3]), []).append((wall / 1000, (user + sys_) / 1000))
    if not runs:
        print("bench/claim: no BENCH lines in %s" % sys.argv[1], file=sys.stderr)
        return 1
    for (s, m, st), v in list(runs.items()):
        if st == "claim" and (s, m, "release") in runs:
            rel = runs[(s, m, "release")]
            runs[(s, m, "claim+release")] = [(a[0] + b[0], a[1] + b[1]) for a, b in zip(v, rel)]
    n = max(len(v) for v in runs.values())
    print("wall ms per command (median, min-max), CPU ms (user+sys, median), ratio of the "
          "median to the shell loop's; %d rounds" % n)
    for s, sdesc in STATES:
        steps = [st for st in ("claim", "release", "claim+release") if (s, "shell", st) in runs]
        if not steps:
            continue
        print("\n%s: %s" % (s, sdesc))
        print("  %-50s" % "" + "".join("%-34s" % st for st in steps))
        for m, mdesc in METHODS:
            cells = []
            for st in steps:
                v = runs.get((s, m, st))
                if not v:
                    cells.append("%-34s" % "-")
                    continue
                wall = [a for a, _ in v]
                med = statistics.median(wall)
                ratio = med / statistics.median(a for a, _ in runs[(s, "shell", st)])
                cells.append("%-34s" % ("%6.1f (%5.1f-%6.1f) cpu %5.1f %4.2fx"
                                        % (med, min(wall), max(wall),
                                           statistics.median(c for _, c in v), ratio)))
            if any(c.strip() != "-" for c in cells):
                print("  %-50s" % mdesc + "".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
