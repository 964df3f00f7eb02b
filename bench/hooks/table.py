#!/usr/bin/env python3
"""bench/hooks/table.py [--md] [--steps] OUT: the hook boot-cost bench's table.

Reads OUT/logs/HOOK_VARIANT_N.log (the e2e console logs of bench/hooks/run.sh:
`E2E: TIME NAME MS` lines of bench/hooks/guest.sh, `E2E: RESULT`, `E2E: FAIL`,
`BENCH-DMESG` lines) and OUT/img/HOOK_VARIANT_N.cpio (the images booted).

Default: one row per generator, the conventional image (plain) and vfiobox's
side by side: median (min-max) ms from the kernel's start to the image handing
over (to-init); the same less the kernel's own part before /init (in the
image: to-init - run-init); the hook's claim (claim-done - claim-start); the
median of the per-round differences (each vfiobox boot less the plain boot of
its round); the ratio of the to-init medians; in the conventional image, its
vfio modules' loading (vfio's first kernel log line to vfio-pci registering
with ids=), the nearest thing it has to the claim; the image sizes. A generator
whose boots did not all end with the GPU and its HDA on vfio-pci (or a
control off its driver) is named below the table with the failures: its
figures compare images that did not do the same job. Exit status 1 then.

--steps: where the time inside each image goes, by the kernel's timestamps
(medians, ms from /init): the marks of guest.sh, then in the vfiobox image the
kernel log lines between the claim's start and end (vfio's modules
announcing themselves, vfiobox's own lines), each as the median ms after the
claim's start.

--md prints Markdown tables (docs/bench.md). Standard library only.
"""
import glob
import os
import re
import statistics
import sys

HOOKS = [("initramfs-tools", "initramfs-tools"), ("dracut", "dracut (no systemd)"),
         ("dracut-systemd", "dracut with systemd"), ("mkinitcpio", "mkinitcpio (busybox)")]
VARIANTS = ("plain", "vfiobox")
TIME_RE = re.compile(r"E2E: TIME (\S+) (-?\d+) ms")
DMESG_RE = re.compile(r"^BENCH-DMESG \[ *(\d+\.\d+)\] (.*)$")


def load(out):
    boots = {}  # (hook, variant) -> {round: boot}
    for p in glob.glob(os.path.join(out, "logs", "*_*_*.log")):
        name = os.path.basename(p)[:-4]
        try:
            hook, variant, rnd = name.split("_")
            rnd = int(rnd)
        except ValueError:
            continue
        b = {"t": {}, "result": None, "fails": [], "dmesg": [], "size": None}
        with open(p, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.rstrip("\r\n")
                m = TIME_RE.search(line)
                if m:
                    b["t"].setdefault(m.group(1), int(m.group(2)))
                    continue
                m = DMESG_RE.match(line)
                if m:
                    b["dmesg"].append((float(m.group(1)), m.group(2)))
                    continue
                m = re.search(r"E2E: RESULT (PASS|FAIL)", line)
                if m:
                    b["result"] = m.group(1)
                m = re.search(r"E2E: FAIL (.*)", line)
                if m:
                    b["fails"].append(m.group(1))
                if "# e2e: deadline" in line:
                    b["fails"].append(line[2:])
        img = os.path.join(out, "img", name + ".cpio")
        if os.path.exists(img):
            b["size"] = os.path.getsize(img)
        boots.setdefault((hook, variant), {})[rnd] = b
    return boots


def span(b, a, z):
    t = b["t"]
    if a not in t or z not in t:
        return None
    return t[z] - t[a]


def stat(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    return statistics.median(xs), min(xs), max(xs), len(xs)


def fmt(s, rng=True):
    if s is None:
        return "-"
    if rng:
        return "%.0f (%d-%d)" % (s[0] + 0.0, s[1], s[2])
    return "%.0f" % s[0]


def figures(boots, hook):
    """The row of one generator: per variant its figures, and the differences."""
    r = {}
    for v in VARIANTS:
        bs = boots.get((hook, v), {})
        ok = [b for b in bs.values() if b["result"] == "PASS"]
        r[v] = {
            "n": len(bs), "ok": len(ok),
            "to": stat(b["t"].get("to-init") for b in bs.values()),
            "in": stat(span(b, "run-init", "to-init") for b in bs.values()),
            "claim": stat(span(b, "claim-start", "claim-done") for b in bs.values()),
            "vfio": stat(span(b, "vfio-load", "vfio-ids") for b in bs.values()),
            "size": stat(b["size"] for b in bs.values()),
            "each": [bs[k]["t"].get("to-init") for k in sorted(bs)],
        }
    p, q = boots.get((hook, "plain"), {}), boots.get((hook, "vfiobox"), {})
    rounds = sorted(set(p) & set(q))
    r["dto"] = stat(q[k]["t"].get("to-init") - p[k]["t"].get("to-init") for k in rounds
                    if "to-init" in q[k]["t"] and "to-init" in p[k]["t"])
    r["din"] = stat(span(q[k], "run-init", "to-init") - span(p[k], "run-init", "to-init") for k in rounds
                    if span(q[k], "run-init", "to-init") is not None and span(p[k], "run-init", "to-init") is not None)
    a, b = r["vfiobox"]["to"], r["plain"]["to"]
    r["ratio"] = a[0] / b[0] if a and b and b[0] else None
    a, b = r["vfiobox"]["in"], r["plain"]["in"]
    r["ratio_in"] = a[0] / b[0] if a and b and b[0] else None
    return r


def signed(s):
    if s is None:
        return "-"
    return "%+.0f (%+d..%+d)" % (s[0], s[1], s[2])


def kib(s):
    return "-" if s is None else "%.0f" % (s[0] / 1024)


def table(boots, md):
    hooks = [(h, d) for h, d in HOOKS if (h, "plain") in boots or (h, "vfiobox") in boots]
    cols = ["generator", "boots ok (plain, vfiobox)",
            "to-init ms: conventional", "vfiobox", "x",
            "vfiobox - conventional, per round",
            "in the image ms: conventional", "vfiobox", "x",
            "vfiobox - conventional, per round",
            "vfio modules ms: conventional", "claim ms: vfiobox hook",
            "image KiB: conventional", "vfiobox"]
    rows = []
    bad = []
    for h, d in hooks:
        r = figures(boots, h)
        rows.append([d, "%d/%d, %d/%d" % (r["plain"]["ok"], r["plain"]["n"], r["vfiobox"]["ok"], r["vfiobox"]["n"]),
                     fmt(r["plain"]["to"]), fmt(r["vfiobox"]["to"]),
                     "%.2fx" % r["ratio"] if r["ratio"] else "-", signed(r["dto"]),
                     fmt(r["plain"]["in"]), fmt(r["vfiobox"]["in"]),
                     "%.2fx" % r["ratio_in"] if r["ratio_in"] else "-", signed(r["din"]),
                     fmt(r["plain"]["vfio"]), fmt(r["vfiobox"]["claim"]),
                     kib(r["plain"]["size"]), kib(r["vfiobox"]["size"])])
        for v in VARIANTS:
            for k, b in sorted(boots.get((h, v), {}).items()):
                if b["result"] != "PASS":
                    bad.append("%s, %s image, round %d: %s" % (
                        d, "conventional" if v == "plain" else "vfiobox", k,
                        "; ".join(b["fails"]) or "no result (the boot did not finish)"))
    if md:
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        print("ms from the kernel's start by its own clock: median (min-max); x: vfiobox's median / the conventional's")
        for row in rows:
            print("%s: boots ok %s" % (row[0], row[1]))
            print("  to-init          conventional %-18s vfiobox %-18s %s  per round %s" % (row[2], row[3], row[4], row[5]))
            print("  in the image     conventional %-18s vfiobox %-18s %s  per round %s" % (row[6], row[7], row[8], row[9]))
            print("  vfio's modules   conventional %-18s (vfio's first line to vfio-pci registered with ids=)" % row[10])
            print("  claim            vfiobox %-18s (the hook's start to its end: modules, binding, checks)" % row[11])
            print("  image KiB        conventional %s, vfiobox %s" % (row[12], row[13]))
        for h, d in hooks:
            for v in VARIANTS:
                each = figures(boots, h)[v]["each"]
                print("  %-22s %-12s to-init each round: %s" % (
                    d, "conventional" if v == "plain" else "vfiobox", ", ".join("-" if x is None else str(x) for x in each)))
    for line in bad:
        print("NOT COMPARABLE: %s" % line)
    return 1 if bad else 0


def norm(text):
    """A kernel log line without what changes from boot to boot."""
    text = re.sub(r"\[\d+\]", "[N]", text)
    text = re.sub(r"\b\d+(\.\d+)? ?(ms|us|usecs|s)\b", "T", text)
    text = re.sub(r"@ \d+", "@ N", text)
    return text[:90]


def steps(boots, md):
    hooks = [(h, d) for h, d in HOOKS if (h, "plain") in boots or (h, "vfiobox") in boots]
    marks = ("run-init", "claim-start", "vfio-load", "vfio-ids", "claim-done", "to-init")
    for h, d in hooks:
        print("\n%s%s: medians, ms after the kernel started /init" % ("### " if md else "", d))
        if md:
            print("\n| mark | conventional | vfiobox |\n|---|---|---|")
        for m in marks:
            cells = []
            for v in VARIANTS:
                s = stat(span(b, "run-init", m) for b in boots.get((h, v), {}).values())
                cells.append(fmt(s))
            if cells == ["-", "-"]:
                continue
            if md:
                print("| %s | %s | %s |" % (m, cells[0], cells[1]))
            else:
                print("  %-12s conventional %-18s vfiobox %s" % (m, cells[0], cells[1]))
        # Inside the claim: each kernel log line between its start and end,
        # ms after the start (median over the boots that logged it).
        at = {}
        order = []
        for b in boots.get((h, "vfiobox"), {}).values():
            t0, t1 = b["t"].get("claim-start"), b["t"].get("claim-done")
            if t0 is None or t1 is None:
                continue
            seen = set()
            for ts, text in b["dmesg"]:
                ms = ts * 1000
                if ms < t0 - 0.5 or ms > t1 + 0.5:
                    continue
                k = norm(text)
                if k in seen:
                    continue
                seen.add(k)
                if k not in at:
                    order.append(k)
                at.setdefault(k, []).append(ms - t0)
        if not at:
            continue
        print("\n%sinside the claim (vfiobox image), ms after its start, median (min-max) of %d boots:" % (
            "" if md else "  ", len(boots.get((h, "vfiobox"), {}))))
        if md:
            print("\n| ms | kernel log line |\n|---|---|")
        for k in sorted(order, key=lambda k: statistics.median(at[k])):
            s = stat(at[k])
            if md:
                print("| %s | `%s` |" % (fmt(s), k.replace("|", "\\|")))
            else:
                print("    %-16s %s" % (fmt(s), k))
    return 0


def main():
    args = sys.argv[1:]
    md = "--md" in args
    st = "--steps" in args
    args = [a for a in args if a not in ("--md", "--steps")]
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: bench/hooks/table.py [--md] [--steps] OUT (bench/hooks/run.sh's BENCH_OUT)", file=sys.stderr)
        return 2
    boots = load(args[0])
    if not boots:
        print("bench/hooks/table.py: no HOOK_VARIANT_N.log in %s/logs" % args[0], file=sys.stderr)
        return 2
    return steps(boots, md) if st else table(boots, md)


if __name__ == "__main__":
    sys.exit(main())
