#!/bin/sh
# tests/e2e/run.sh VFIOBOX [NAME...]: the real-kernel suite (QEMU guests).
#
# NAME is a scenario, tests/e2e/scenarios/NAME.sh; none means all of them, or
# the ones in $E2E (space- or comma-separated) when it is set. E2E_DIR picks
# another directory of scenarios (the harness self-test uses selftest/).
# Environment: E2E_JOBS (VMs at a time, default 2), E2E_OUT (default
# build/e2e), E2E_VFIO_OPEN (the guest's vfio-open tool, built by mk/e2e.mk),
# VFIOBOX_CACHE (kernel cache, see setup.sh), PYTHON (default python3).
# Everything is described in tests/e2e/README.md.
set -eu
[ $# -ge 1 ] || { echo "usage: tests/e2e/run.sh VFIOBOX [NAME...]" >&2; exit 2; }
VFIOBOX=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
OUT=${E2E_OUT:-build/e2e}
VFIO_OPEN=${E2E_VFIO_OPEN:-$OUT/vfio-open}
JOBS=${E2E_JOBS:-2}
SDIR=$here/${E2E_DIR:-scenarios}

[ $# -gt 0 ] || set -- $(echo "${E2E:-}" | tr ',' ' ')
files=""
if [ $# -eq 0 ]; then
	files=$(ls "$SDIR"/*.sh)
else
	for n in "$@"; do
		n=${n%.sh}
		n=${n##*/}
		if [ ! -f "$SDIR/$n.sh" ]; then
			echo "e2e: no scenario '$n'; there are:" $(cd "$SDIR" && ls *.sh | sed 's/\.sh$//') >&2
			exit 2
		fi
		files="$files $SDIR/$n.sh"
	done
fi
[ -x "$VFIOBOX" ] || { echo "e2e: $VFIOBOX: no such binary (make vfiobox)" >&2; exit 2; }
[ -x "$VFIO_OPEN" ] || { echo "e2e: $VFIO_OPEN: missing (make e2e builds it)" >&2; exit 2; }

t0=$(date +%s)
KDIR=$("$here/setup.sh")

# The modules every image carries, plus what the scenarios ask for.
modules="vfio_pci vfio_iommu_type1 vfio_virqfd bochs snd_hda_intel snd_hda_codec_generic e1000e"
modules="$modules $(sed -n 's/^#[[:space:]]*e2e-modules:[[:space:]]*//p' $files | tr '\n' ' ')"
"$here/mkbase.sh" "$KDIR" "$OUT/base.cpio" "$VFIOBOX" "$VFIO_OPEN" $modules
echo "e2e: kernel and base image ready in $(( $(date +%s) - t0 )) s" \
	"($(( $(wc -c < "$OUT/base.cpio") / 1024 )) KiB), running $(echo $files | wc -w) scenario(s), $JOBS at a time"

exec "${PYTHON:-python3}" "$here/run.py" --kdir "$KDIR" --base "$OUT/base.cpio" \
	--out "$OUT" --jobs "$JOBS" $files
