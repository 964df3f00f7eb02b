#!/bin/sh
# tests/e2e/selftest/images/own-init.sh OUT: an "e2e-image" command for the
# self-test: the shared base image plus an archive whose /init replaces the
# harness's one (as a hook's image would bring its own init), runs the
# scenario's checks itself and prints the verdict.
set -eu
out=$1
st=$E2E_TMP/own
mkdir -p "$st/e2e"
cp "$E2E_SCENARIO" "$st/e2e/scenario.sh"
cat > "$st/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
export PATH=/e2e/bin:/sbin:/bin
. /e2e/lib.sh
e2e_topology
: > $E2E_RESULTS
pass "the image's own /init ran"
. /e2e/scenario.sh
if grep -q '^FAIL' $E2E_RESULTS; then r=FAIL; else r=PASS; fi
echo "E2E: RESULT $r own-image"
poweroff -f
INIT
chmod 0755 "$st/init"
cp "$E2E_BASE" "$out"
(cd "$st" && find . | cpio -o -H newc -R 0:0 --quiet) >> "$out"
