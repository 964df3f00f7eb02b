#!/usr/bin/env python3
# tests/corpus/domxml.py VFIOBOX DIR RNG: domxml over every domain XML under
# DIR (libvirt's own test suite: tests/corpus/run.sh fetches it), with the
# laptop preset and with every edit at once. For each run it checks:
# - the exit is 0, or 2 with nothing on stdout and one message that names the
#   file and line (a refusal); never a signal or another code;
# - an edited domain is well-formed XML and the same edits on it give the
#   same bytes (idempotent);
# - a domain libvirt's schema (RNG) accepts is still accepted once edited;
# - --list-hostdevs names the PCI hostdevs a real XML parser finds.
# Prints a summary and the refusals by kind; exit 1 on the first kind of
# failure found (all failures are listed).
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

VB, TOP, RNG = sys.argv[1], sys.argv[2], sys.argv[3]
SETS = {
    "preset": ["--preset=laptop"],
    "all": ["--hide-vm", "--vendor-id=AuthenticAMD", "--hostdev=01:00.0@06:00.0", "--rom=off",
            "--hostdev=01:00.1@06:00.1", "--kvmfr=2560x1440", "--acpitable=/etc/ssdt1.dat",
            "--no-memballoon", "--video=none", "--subsys=01:00.0:1025:118b",
            "--rom-fwcfg=opt/com.lion328/nvidia-rom=ROMFILE", "--hotplug-off"],
}
failures = []


def fail(msg):
    failures.append(msg)


def run(args, data=None):
    p = subprocess.run([VB, "domxml"] + args, input=data, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def hostdevs(root):
    out = []
    for h in root.iter("hostdev"):
        if h.get("mode") != "subsystem" or h.get("type") != "pci":
            continue
        a = h.find("source/address")
        if a is None:
            continue
        n = [int(a.get(k, "0"), 0) for k in ("domain", "bus", "slot", "function")]
        out.append("%04x:%02x:%02x.%x" % tuple(n))
    return sorted(out)


def one(path, tmp):
    """Every edit set on one domain: (path, {set: output or None}, refusals)."""
    res, refusals = {}, []
    with open(path, "rb") as f:
        src = f.read()
    rel = os.path.relpath(path, TOP)
    try:
        root = ET.fromstring(src)
    except ET.ParseError:
        root = None
    rc, out, err = run(["--list-hostdevs", path])
    if root is None:
        if rc != 2:
            fail("%s: not well-formed, but --list-hostdevs exits %d" % (rel, rc))
    elif rc != 0:
        fail("%s: --list-hostdevs exits %d: %s" % (rel, rc, err.decode(errors="replace").strip()))
    elif sorted(out.decode().split()) != hostdevs(root):
        fail("%s: --list-hostdevs says %s, the XML parser finds %s" %
             (rel, out.decode().split(), hostdevs(root)))
    for name, args in SETS.items():
        args = [a.replace("ROMFILE", os.path.join(tmp, "vbios.rom")) for a in args]
        rc, out, err = run(args + [path])
        msg = err.decode(errors="replace")
        if rc == 2:
            lines = msg.strip().split("\n")
            if out:
                fail("%s [%s]: refused, but wrote %d bytes to stdout" % (rel, name, len(out)))
            if len(lines) != 1 or not re.match(r"vfiobox domxml: %s:\d+(:\d+)?: " % re.escape(path), lines[0]):
                fail("%s [%s]: a refusal that does not name the file and line: %r" % (rel, name, msg))
            kind = re.sub(r"\d+", "N", lines[0][len("vfiobox domxml: ") + len(path):])
            kind = re.sub(r"<[a-z:]+> at line", "<...> at line", kind)
            refusals.append("[%s] %s" % (name, kind))
            res[name] = None
            continue
        if rc != 0:
            fail("%s [%s]: exit %d: %s" % (rel, name, rc, msg.strip()))
            res[name] = None
            continue
        if root is None:
            fail("%s [%s]: not well-formed, yet edited" % (rel, name))
        try:
            ET.fromstring(out)
        except ET.ParseError as e:
            fail("%s [%s]: the output is not well-formed: %s" % (rel, name, e))
        rc2, out2, err2 = run(args, out)
        if rc2 != 0 or out2 != out:
            fail("%s [%s]: a second run on the output is not byte-identical (exit %d)" % (rel, name, rc2))
        res[name] = out
    return path, res, refusals


def validates(paths):
    """The subset of paths that RNG accepts (xmllint, in batches)."""
    ok = set()
    for i in range(0, len(paths), 200):
        batch = paths[i:i + 200]
        p = subprocess.run(["xmllint", "--noout", "--relaxng", RNG] + batch,
                           capture_output=True, text=True)
        for line in p.stderr.splitlines():
            if line.endswith(" validates"):
                ok.add(line[:-len(" validates")])
    return ok


def main():
    files = []
    for d, _, names in os.walk(TOP):
        for n in sorted(names):
            if n.endswith(".xml"):
                p = os.path.join(d, n)
                with open(p, "rb") as f:
                    head = f.read(4096)
                if re.search(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<domain[\s>]", head, re.S):
                    files.append(p)
    files.sort()
    if len(files) < 100:
        print("corpus: only %d domain XMLs under %s" % (len(files), TOP))
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "vbios.rom"), "wb") as f:
            f.write(b"\x55\xaa" + bytes(510))
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
            results = list(ex.map(lambda p: one(p, tmp), files))
        outs, kinds = [], {}
        for path, res, refusals in results:
            for name, out in res.items():
                if out is not None:
                    o = os.path.join(tmp, "%s.%d.xml" % (name, len(outs)))
                    with open(o, "wb") as f:
                        f.write(out)
                    outs.append((path, name, o))
            for k in refusals:
                kinds[k] = kinds.get(k, 0) + 1
        valid_in = validates(files)
        checked = [o for o in outs if o[0] in valid_in]
        valid_out = validates([o[2] for o in checked])
        for path, name, o in checked:
            if o not in valid_out:
                fail("%s [%s]: libvirt's schema takes the domain but not the edited one" %
                     (os.path.relpath(path, TOP), name))
    edited = {n: sum(1 for _, r, _ in results if r.get(n) is not None) for n in SETS}
    print("corpus: %d domain XMLs from %s, %d of them valid for %s" %
          (len(files), TOP, len(valid_in), os.path.basename(RNG)))
    for n in SETS:
        print("corpus: [%s] edited %d, refused %d; %d edited valid domains checked against the schema" %
              (n, edited[n], sum(v for k, v in kinds.items() if k.startswith("[%s]" % n)),
               sum(1 for o in checked if o[1] == n)))
    for k in sorted(kinds):
        print("corpus:   %4d refused %s" % (kinds[k], k))
    for f in failures:
        print("FAIL " + f)
    print("corpus: %s" % ("%d failures" % len(failures) if failures else "no failure"))
    return 1 if failures else 0


sys.exit(main())
