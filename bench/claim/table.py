#!/usr/bin/env python3
"""bench/claim/table.py LOG: the claim benchmark's table.

Reads the "BENCH STATE METHOD STEP WALL_US USER_US SYS_US" lines that
bench/claim/guest.sh printed on the guest's console (the e2e log) and prints,
per starting state and method, the median, min and max wall time of the
claim, of the release, and of claim + release (the two of one round added),
the median CPU time (user + system, of the command and its children), and the
ratio of each median to the shell loop's in the same state (below 1: faster
than the shell loop). --md prints the same as a Markdown table (docs/bench.md).
Standard library only.
"""
import statistics
import sys

STATES = [("warm", "on host drivers, vfio-pci loaded"),
          ("cold", "on host drivers, no vfio module loaded"),
          ("boot", "unbound, no vfio module loaded (initramfs)")]
METHODS = [("addr", "vfio-claim ADDR"),
           ("ids", "vfio-claim ids="),
           ("shell", "shell loop"),
           ("modprobe", "modprobe vfio-pci ids=")]
STEPS = ("claim", "release", "claim+release")


def load(path):
    runs = {}  # (state, method, step) -> [(wall ms, cpu ms)]
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) == 7 and w[0] == "BENCH":
                try:
                    wall, user, sys_ = int(w[4]), int(w[5]), int(w[6])
                except ValueError:
                    continue
                runs.setdefault((w[1], w[2], w[3]), []).append((wall / 1000, (user + sys_) / 1000))
    for (s, m, st), v in list(runs.items()):
        if st == "claim" and (s, m, "release") in runs:
            rel = runs[(s, m, "release")]
            runs[(s, m, "claim+release")] = [(a[0] + b[0], a[1] + b[1]) for a, b in zip(v, rel)]
    return runs


def cell(runs, s, m, st):
    v = runs.get((s, m, st))
    if not v:
        return None
    wall = [a for a, _ in v]
    med = statistics.median(wall)
    shell = runs.get((s, "shell", st))
    return (med, min(wall), max(wall), statistics.median(c for _, c in v),
            med / statistics.median(a for a, _ in shell) if shell else float("nan"))


def main():
    args = sys.argv[1:]
    md = args[:1] == ["--md"]
    if md:
        args = args[1:]
    if len(args) != 1:
        print("usage: table.py [--md] LOG", file=sys.stderr)
        return 2
    runs = load(args[0])
    if not runs:
        print("bench/claim: no BENCH lines in %s" % args[0], file=sys.stderr)
        return 1
    n = max(len(v) for v in runs.values())
    if md:
        print("| state | method | claim ms | x shell | release ms | x shell | "
              "claim + release ms | x shell |")
        print("|---|---|---|---|---|---|---|---|")
    else:
        print("median wall ms (min-max) of %d rounds and the ratio of the median to the "
              "shell loop's in the same state" % n)
        print("%-5s %-23s" % ("", "") + "".join("%-24s" % st for st in STEPS) + "cpu ms")
    for s, sdesc in STATES:
        for m, mdesc in METHODS:
            cells = [cell(runs, s, m, st) for st in STEPS]
            if not cells[0]:
                continue
            if md:
                out = ["%s" % s, mdesc]
                for c in cells:
                    out += ["%.1f (%.0f-%.0f)" % c[:3], "%.2fx" % c[4]] if c else ["-", "-"]
                print("| " + " | ".join(out) + " |")
            else:
                out = "%-5s %-23s" % (s, mdesc)
                for c in cells:
                    out += "%-24s" % ("%6.1f (%3.0f-%3.0f) %4.2fx" % (c[0], c[1], c[2], c[4])
                                      if c else "     -")
                print(out + "%5.1f" % cells[-1 if cells[-1] else 0][3])
    if not md:
        for s, sdesc in STATES:
            print("%-5s %s" % (s, sdesc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
