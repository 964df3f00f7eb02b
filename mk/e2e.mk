# mk/e2e.mk: the real-kernel suite, QEMU guests (tests/e2e/README.md).
#
#   make e2e                 every scenario, two VMs at a time
#   make e2e E2E=topology    one scenario (or several: E2E="a b" / E2E=a,b)
#   make e2e E2E_JOBS=1      one VM at a time
# Console logs: $(BUILD)/e2e/logs/NAME.log. Kernel cache: $(VFIOBOX_CACHE)/e2e/.

E2E_OUT       := $(BUILD)/e2e
E2E_VFIO_OPEN := $(E2E_OUT)/vfio-open
export E2E_OUT E2E_VFIO_OPEN

# The guest's VFIO group opener: static musl, like vfiobox itself.
$(E2E_VFIO_OPEN): tests/e2e/guest/vfio-open.c $(KHDR)/.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(MUSLCC) $(DEFS) $(WARN) -isystem $(KHDR) -Os -static -s -o $@ $<

e2e: $(E2E_VFIO_OPEN)

check-extra: e2e

# The harness's own test: scenarios that must fail (a failed assertion, a
# hang past the deadline, a panic...) and one that must pass.
e2e-selftest: vfiobox $(E2E_VFIO_OPEN) | need-e2e
	@tests/e2e/selftest.sh ./vfiobox

check-extra: e2e-selftest

# A second, newer kernel (tests/e2e/README.md, "A second kernel"): Debian's
# linux-image-amd64 of $(E2E_K2_SUITE), fetched through a private apt state
# (setup.sh, E2E_SUITE), and the scenarios of $(E2E_K2) on it: claim and
# release, recover, the QEMU-style open after each, the vfio interfaces
# against the kernel's config. Logs in $(BUILD)/e2e-k2/logs.
E2E_K2_SUITE ?= bookworm-backports
E2E_K2       ?= claim-before-driver claim-bound-release pciops-recover vfio-interfaces
e2e-k2: vfiobox $(E2E_VFIO_OPEN) | need-e2e
	@E2E_SUITE=$(E2E_K2_SUITE) E2E_OUT=$(BUILD)/e2e-k2 E2E="$(E2E_K2)" tests/e2e/run.sh ./vfiobox

check-extra: e2e-k2

.PHONY: e2e-selftest e2e-k2
