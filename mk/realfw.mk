# make realfw-check: ssdt list, extract and names on real machines' ACPI
# tables from Debian's archive (tests/realfw/fetch.sh fetches QEMU's and
# U-Boot's source packages into $(CACHE)/realfw once). Part of make check;
# when the archive cannot be reached it is skipped with the reason, except
# in CI (CI set), where that is a failure.
realfw-check: vfiobox $(MKFAKESYS) | need-check
	@dir=$$(tests/realfw/fetch.sh); rc=$$?; \
	 if [ $$rc = 77 ] && [ -z "$${CI:-}" ]; then echo "realfw-check: SKIPPED (Debian's archive cannot be reached; see above)"; exit 0; fi; \
	 [ $$rc = 0 ] || { echo "realfw-check: FAIL: tests/realfw/fetch.sh exit $$rc"; exit 1; }; \
	 REALFW=$$dir tests/applets/run.sh ./vfiobox $(MKFAKESYS) ../realfw/realfw

check-extra: realfw-check
.PHONY: realfw-check
