# mk/bench.mk: what `make bench` needs besides the binary (docs/bench.md).
#
#   make bench                 every bench/*/run.sh
#   make bench-claim-smoke     bench/claim in one guest, 1 round: the methods
#                              work (devices on vfio-pci and back), no timing judged

BENCH_BENCHTIME := $(BUILD)/bench/benchtime
export BENCH_BENCHTIME

# The claim bench's timer, static like vfiobox (bench/claim/benchtime.c).
$(BENCH_BENCHTIME): bench/claim/benchtime.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(MUSLCC) $(DEFS) $(WARN) -Os -static -s -o $@ $<

# $(BUILD)/e2e/vfio-open is mk/e2e.mk's E2E_VFIO_OPEN, not yet defined here.
bench: $(BENCH_BENCHTIME) $(BUILD)/e2e/vfio-open

bench-claim-smoke: vfiobox $(BENCH_BENCHTIME) $(BUILD)/e2e/vfio-open | need-bench
	@BENCH_ROUNDS=1 BENCH_OUT=$(BUILD)/bench/claim-smoke bench/claim/run.sh ./vfiobox

.PHONY: bench-claim-smoke

# Cheap enough for make check (one guest, 25-35 s): the methods work, nothing more.
check-extra: bench-claim-smoke
