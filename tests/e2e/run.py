#!/usr/bin/env python3
"""tests/e2e/run.py: boot one QEMU guest per scenario and judge it.

Called by tests/e2e/run.sh (which prepares the kernel and the shared base
image); see tests/e2e/README.md for the scenario format and the protocol.

For each scenario file: append a small cpio (the scenario, its name) to the
base image, boot it on the topology below with TCG, copy the console to
build/e2e/logs/NAME.log, answer "E2E: HOST" requests through QMP and the
second serial port, kill QEMU past the deadline, and read the verdict from
"E2E: PASS/FAIL/RESULT" lines. Prints one line per scenario; exits 1 if any
failed. Standard library only.
"""
import argparse
import concurrent.futures
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

# The guest's devices. tests/e2e/guest/lib.sh (E2E_VGA, E2E_*_PORT) knows
# these addresses: change both together.
QEMU_TOPOLOGY = [
    # The IOMMU first, with interrupt remapping (vfio type1 refuses the
    # container without it unless allow_unsafe_interrupts is set).
    "-device", "intel-iommu,intremap=on",
    # Standard VGA on the root bus: SeaBIOS runs its ROM, so it is boot_vga.
    "-device", "VGA,id=vga,bus=pcie.0,addr=0x2",
    # "GPU + HDA": one slot, two functions, one IOMMU group.
    "-device", "pcie-root-port,id=rp1,bus=pcie.0,addr=0x3,chassis=1",
    "-device", "bochs-display,id=gpu,bus=rp1,addr=0x0.0,multifunction=on",
    "-device", "ich9-intel-hda,id=hda,bus=rp1,addr=0x0.1,multifunction=on",
    "-device", "hda-duplex,id=codec,bus=hda.0,audiodev=snd0",
    # A NIC alone in its group.
    "-device", "pcie-root-port,id=rp2,bus=pcie.0,addr=0x4,chassis=2",
    "-device", "e1000e,id=nic,bus=rp2,addr=0x0",
    # The hot-plug slot: "E2E: HOST unplug hp0" / "plug hp0".
    "-device", "pcie-root-port,id=hp,bus=pcie.0,addr=0x5,chassis=3",
    "-device", "e1000e,id=hp0,bus=hp,addr=0x0",
]
# no_timer_check: under TCG on a loaded host the kernel's boot-time check
# that the timer interrupt ticks through the interrupt-remapped IO-APIC
# (check_timer: 10 jiffies of mdelay) can miss and panics with "timer
# doesn't work through Interrupt-remapped IO-APIC" (seen once in CI, in
# 0.9 s of a hotplug boot); the option makes timer_irq_works() trust it.
CMDLINE = "console=ttyS0 panic=-1 intel_iommu=on no_timer_check quiet"
DEFAULT_TIMEOUT = 60
LINE_RE = re.compile(r"E2E: (PASS|FAIL|NOTE|TIME|HOST|RESULT|DMESG)(?: (.*))?$")


def parse_header(path):
    """The "# e2e-KEY: value" lines of a scenario (repeated keys add up)."""
    hdr = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#\s*e2e-([a-z]+):\s*(.*?)\s*$", line)
            if m:
                hdr.setdefault(m.group(1), []).append(m.group(2))
    return hdr


def device_props(args):
    """id -> ordered properties of every -device in a QEMU argv."""
    devs = {}
    for i, a in enumerate(args[:-1]):
        if a != "-device":
            continue
        parts = args[i + 1].split(",")
        props = {"driver": parts[0]}
        for p in parts[1:]:
            k, _, v = p.partition("=")
            props[k] = v
        if "id" in props:
            devs[props["id"]] = props
    return devs


class Qmp:
    """Minimal QMP client: commands and events over a unix socket."""

    def __init__(self, path, deadline, alive):
        self.sock = None
        self.buf = b""
        self.events = []
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                self.sock = s
                break
            except OSError:
                s.close()
                if time.monotonic() > deadline or not alive():
                    raise
                time.sleep(0.05)
        self._read(deadline)  # greeting
        self.cmd("qmp_capabilities", deadline=deadline)

    def _read(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("QMP: no answer in time")
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                d = self.sock.recv(65536)
                if not d:
                    raise EOFError("QMP: connection closed")
                self.buf += d
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line)

    def cmd(self, name, args=None, deadline=None):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        deadline = deadline or time.monotonic() + 10
        while True:
            m = self._read(deadline)
            if "event" in m:
                self.events.append(m)
            elif "return" in m:
                return m["return"]
            elif "error" in m:
                raise RuntimeError("%s: %s" % (name, m["error"].get("desc", m["error"])))

    def wait_event(self, pred, deadline):
        while True:
            for e in self.events:
                if pred(e):
                    self.events.remove(e)
                    return e
            m = self._read(deadline)
            if "event" in m:
                self.events.append(m)

    def close(self):
        if self.sock:
            self.sock.close()


class Vm:
    """One scenario, one QEMU."""

    def __init__(self, opt, scenario):
        self.opt = opt
        self.path = scenario
        self.name = os.path.basename(scenario)[:-3]
        self.hdr = parse_header(scenario)
        self.timeout = int(self.hdr.get("timeout", [DEFAULT_TIMEOUT])[-1])
        self.log_path = os.path.join(opt.logs, self.name + ".log")
        self.passes, self.fails, self.notes, self.times = [], [], [], []
        self.result = None
        self.rss_kib = 0
        self.wall = 0.0
        self.error = None
        self.cause = None

    # --- image -------------------------------------------------------------------
    def build_image(self, tmp):
        img = os.path.join(self.opt.images, self.name + ".cpio")
        if "image" in self.hdr:
            # A scenario that brings its own initramfs (the hooks' images).
            env = dict(os.environ, E2E_KDIR=self.opt.kdir, E2E_KVER=self.opt.kver,
                       E2E_BASE=self.opt.base, E2E_SCENARIO=self.path,
                       E2E_NAME=self.name, E2E_GUEST=os.path.join(self.opt.here, "guest"),
                       E2E_TMP=tmp, E2E_OUT=img)
            cmd = self.hdr["image"][-1]
            p = subprocess.run(["sh", "-c", cmd + ' "$E2E_OUT"'], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               cwd=self.opt.top)
            if p.returncode != 0 or not os.path.exists(img):
                raise RuntimeError("image command failed (%s): %s" %
                                   (cmd, p.stdout.decode(errors="replace")[-2000:]))
            return img
        st = os.path.join(tmp, "root")
        os.makedirs(os.path.join(st, "e2e"))
        shutil.copy(self.path, os.path.join(st, "e2e", "scenario.sh"))
        with open(os.path.join(st, "e2e", "name"), "w") as f:
            f.write(self.name + "\n")
        sc = os.path.join(tmp, "scenario.cpio")
        with open(sc, "wb") as out:
            subprocess.run("find . | sort | cpio -o -H newc -R 0:0 --quiet", shell=True,
                           cwd=st, stdout=out, check=True)
        with open(img, "wb") as out:
            for part in (self.opt.base, sc):
                with open(part, "rb") as f:
                    shutil.copyfileobj(f, out)
        return img

    def qemu_argv(self, img, tmp):
        extra = []
        for a in self.hdr.get("qemu", []):
            extra += shlex.split(a)
        mem = self.hdr.get("mem", ["512M"])[-1]
        cmdline = " ".join([CMDLINE] + self.hdr.get("cmdline", []))
        if "image" not in self.hdr:
            cmdline += " rdinit=/init"
        return ([self.opt.qemu, "-machine", "q35", "-accel", "tcg,tb-size=64",
                 "-smp", "1", "-m", mem, "-nodefaults", "-no-user-config",
                 "-display", "none", "-no-reboot",
                 "-kernel", self.opt.vmlinux, "-initrd", img, "-append", cmdline,
                 "-audiodev", "none,id=snd0",
                 "-serial", "stdio",
                 "-chardev", "socket,id=ack,path=%s,server=on,wait=off" % os.path.join(tmp, "ack"),
                 "-serial", "chardev:ack",
                 "-qmp", "unix:%s,server=on,wait=off" % os.path.join(tmp, "qmp")]
                + QEMU_TOPOLOGY + extra)

    # --- host actions ------------------------------------------------------------------
    def host_action(self, qmp, verb, args, devices, deadline):
        """Do what the guest asked; return the answer's text or raise."""
        if verb == "echo":
            return " ".join(args)
        if verb == "unplug":
            dev = args[0]
            t0 = time.monotonic()
            qmp.cmd("device_del", {"id": dev}, deadline=deadline)
            limit = min(deadline, t0 + float(args[1]) if len(args) > 1 else t0 + 15)
            try:
                qmp.wait_event(lambda e: e["event"] == "DEVICE_DELETED"
                               and e.get("data", {}).get("device") == dev, limit)
            except TimeoutError:
                raise RuntimeError("no DEVICE_DELETED for %s within %.0f s (held open?)"
                                   % (dev, limit - t0)) from None
            return "%s deleted in %.2f s" % (dev, time.monotonic() - t0)
        if verb == "plug":
            dev = args[0]
            if dev not in devices:
                raise RuntimeError("no -device with id=%s on the command line" % dev)
            qmp.cmd("device_add", devices[dev], deadline=deadline)
            return "%s added" % dev
        if verb == "qmp":
            msg = json.loads(" ".join(args))
            return json.dumps(qmp.cmd(msg["execute"], msg.get("arguments"), deadline=deadline),
                              separators=(",", ":"))
        raise RuntimeError("unknown host verb '%s'" % verb)

    # --- run -----------------------------------------------------------------------
    def run(self):
        tmp = tempfile.mkdtemp(prefix="vfiobox-e2e-")
        try:
            self._run(tmp)
        except Exception as e:  # reported as this scenario's failure
            # QEMU's own last words explain more than a refused QMP socket.
            self.error = self.cause or "%s: %s" % (type(e).__name__, e)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if self.error:
            self.result = "FAIL"
        elif self.result is None:
            self.result = "FAIL"
            self.error = self.cause or "no RESULT line (guest crashed or hung)"
        elif self.fails:
            self.result = "FAIL"
        return self

    def _run(self, tmp):
        img = self.build_image(tmp)
        argv = self.qemu_argv(img, tmp)
        devices = device_props(argv)
        log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        log.write("# " + " ".join(shlex.quote(a) for a in argv) + "\n")
        t0 = time.monotonic()
        deadline = t0 + self.timeout
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        qmp = ack = None
        done_at = None

        def reap(block):
            """Wait for QEMU with wait4 (for its peak RSS); True once it is gone.
            Popen.poll() would reap it and lose the rusage: never call it."""
            if p.returncode is not None:
                return True
            pid, status, ru = os.wait4(p.pid, 0 if block else os.WNOHANG)
            if pid == 0:
                return False
            p.returncode = os.waitstatus_to_exitcode(status)
            self.rss_kib = ru.ru_maxrss
            return True

        buf = b""
        try:
            qmp = Qmp(os.path.join(tmp, "qmp"), deadline, lambda: not reap(False))
            ack = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            ack.connect(os.path.join(tmp, "ack"))
            fd = p.stdout.fileno()
            eof = False
            while not eof:
                now = time.monotonic()
                if now > deadline:
                    self.error = "deadline: killed after %d s" % self.timeout
                    log.write("\n# e2e: deadline of %d s passed, QEMU killed\n" % self.timeout)
                    break
                if done_at and now > done_at + 5:
                    log.write("\n# e2e: guest did not power off 5 s after RESULT, QEMU killed\n")
                    break
                r, _, _ = select.select([fd], [], [], 0.2)
                if not r:
                    continue
                d = os.read(fd, 65536)
                if not d:
                    eof = True
                buf += d
                while b"\n" in buf or (eof and buf):
                    line, _, buf = buf.partition(b"\n")
                    text = line.decode(errors="replace").rstrip("\r")
                    log.write(text + "\n")
                    log.flush()
                    if "Kernel panic - not syncing" in text and not self.cause:
                        self.cause = "guest " + text[text.index("Kernel panic"):]
                    m = LINE_RE.search(text)
                    if not m:
                        continue
                    kind, rest = m.group(1), m.group(2) or ""
                    if kind == "PASS":
                        self.passes.append(rest)
                    elif kind == "FAIL":
                        self.fails.append(rest)
                    elif kind == "NOTE":
                        self.notes.append(rest)
                    elif kind == "TIME":
                        self.times.append(rest)
                    elif kind == "RESULT":
                        self.result = rest.split()[0] if rest else "FAIL"
                        done_at = time.monotonic()
                    elif kind == "HOST":
                        w = rest.split()
                        seq, verb, args = w[0], w[1] if len(w) > 1 else "", w[2:]
                        try:
                            ans = "OK " + self.host_action(qmp, verb, args, devices, deadline)
                        except Exception as e:
                            ans = "ERR %s: %s" % (type(e).__name__, e)
                        ans = ans.replace("\n", " ")
                        log.write("# e2e host: %s %s -> %s\n" % (verb, " ".join(args), ans))
                        ack.sendall(("ACK %s %s\n" % (seq, ans)).encode())
        finally:
            if not reap(False):
                os.kill(p.pid, signal.SIGKILL)  # not send_signal: it polls
                reap(True)
            # What QEMU printed and the loop did not read (it failed to start,
            # or the loop ended early): into the log, last line into the error.
            rest = (buf + p.stdout.read()).decode(errors="replace").strip()
            p.stdout.close()
            if rest:
                log.write(rest + "\n")
                if self.result is None and not self.error:
                    self.cause = "QEMU exit %s: %s" % (p.returncode, rest.splitlines()[-1])
            self.wall = time.monotonic() - t0
            for c in (qmp, ack):
                if c:
                    c.close()
            log.write("# e2e: QEMU exit %s, %.1f s, peak RSS %d MiB\n" %
                      (p.returncode, self.wall, self.rss_kib // 1024))
            log.close()


def summary_line(vm):
    boot = next((t.split()[1] for t in vm.times if t.startswith("boot ")), None)
    extra = ["boot %.1f s" % (int(boot) / 1000)] if boot else []
    extra.append("QEMU %d MiB" % (vm.rss_kib // 1024))
    return "%-4s %-28s %5.1f s  (%s)" % (vm.result, vm.name, vm.wall, ", ".join(extra))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--kdir", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--out", required=True, help="build/e2e")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("scenarios", nargs="+")
    opt = ap.parse_args()
    opt.here = os.path.dirname(os.path.abspath(__file__))
    opt.top = os.path.abspath(os.path.join(opt.here, "..", ".."))
    opt.vmlinux = os.path.join(opt.kdir, "vmlinux")
    with open(os.path.join(opt.kdir, "kver")) as f:
        opt.kver = f.read().strip()
    opt.logs = os.path.join(opt.out, "logs")
    opt.images = os.path.join(opt.out, "img")
    os.makedirs(opt.logs, exist_ok=True)
    os.makedirs(opt.images, exist_ok=True)

    t0 = time.monotonic()
    vms = [Vm(opt, s) for s in opt.scenarios]
    failed = []
    # One line per scenario as it finishes, then the failures' details.
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opt.jobs)) as ex:
        for fut in concurrent.futures.as_completed([ex.submit(v.run) for v in vms]):
            vm = fut.result()
            print(summary_line(vm), flush=True)
            for t in vm.times:
                if not t.startswith("boot "):
                    print("       time  %s" % t)
            if vm.result != "PASS":
                failed.append(vm)
                if vm.error:
                    print("       error %s" % vm.error)
                for f in vm.fails:
                    print("       FAIL  %s" % f)
                print("       log   %s" % vm.log_path)
            sys.stdout.flush()
    total = time.monotonic() - t0
    print("e2e: %d VMs in %.0f s, %d at a time, kernel %s, logs in %s" %
          (len(vms), total, opt.jobs, opt.kver, opt.logs))
    print("e2e: %d passed, %d failed" % (len(vms) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
