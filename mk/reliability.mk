# reliability-rebind: tests/reliability/*.test other than domxml's (those are
# reliability-domxml in mk/domxml.mk): vfio-claim and vfio-release racing on
# one IOMMU group, blocking reads (a FIFO as driver_override, the conf and
# /proc/cmdline), the libvirt hook with hostdevs it cannot read, signals and
# kill -9 during a claim or a release (rebind-signal-*, rebind-journal,
# rebind-kill9; helpers in rebind-signal.sh). Against the
# fake kernel (mk/claim.mk); each test bounded (under 60 s); part of make check.
REBIND_REL := $(patsubst tests/reliability/%.test,../reliability/%,\
	$(filter-out tests/reliability/domxml-%,$(wildcard tests/reliability/*.test)))

reliability-rebind: vfiobox $(MKFAKESYS) $(FAKEKERNEL)
	@FAKEKERNEL=$(abspath $(FAKEKERNEL)) tests/applets/run.sh ./vfiobox $(MKFAKESYS) $(REBIND_REL)

check-extra: reliability-rebind
.PHONY: reliability-rebind
