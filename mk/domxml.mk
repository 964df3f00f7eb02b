# mk/domxml.mk: the domxml applet's extras.
#
#   make fuzz-domxml-smoke   the libFuzzer target for lib/xml + lib/domxml, a
#                            short run (FUZZ_SMOKE_TIME=25 s); part of make check
#   make fuzz                longer runs (FUZZ_TIME=600 s per target)
#   make bench               includes bench/domxml/run.sh
#   make reliability-domxml  tests/reliability/domxml-*.test: concurrent -i,
#                            signals, kill -9, closed 0/1/2, owner, xattrs,
#                            hard links, long names; part of make check
#                            (root for the owner cases; about 60 s in all)
#
# The tokenizer and the planner are built like the rest (-Oz), but for the
# hot scanners of lib/xml/xml.c (HOT there: -O2 per function, 3.7 KiB).

FUZZ_TIME       ?= 600
FUZZ_SMOKE_TIME ?= 25
FUZZ_DOMXML     := $(BUILD)/fuzz/fuzz_domxml
FUZZ_DOMXML_SRC := tests/fuzz/fuzz_domxml.c lib/xml/xml.c $(sort $(wildcard lib/xml/domxml*.c)) lib/pci/pcidev.c lib/pci/kmod.c lib/pci/pciconf.c lib/base/act.c lib/base/msg.c lib/base/sysfs.c lib/base/util.c lib/base/blob.c
FUZZ_DOMXML_RUN  = $(FUZZ_DOMXML) -dict=tests/fuzz/domxml.dict -artifact_prefix=$(BUILD)/fuzz/ \
		   -print_final_stats=1 $(BUILD)/fuzz/domxml-corpus tests/fuzz/corpus/domxml

$(FUZZ_DOMXML): $(FUZZ_DOMXML_SRC) lib/xml/xml.h $(wildcard lib/xml/domxml*.h) lib/pci/pcidev.h \
		 $(HOST_PCI)/lib/libpci.a | need-check
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@$(CLANG) $(DEFS) -Ilib -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I$(HOST_PCI)/include -o $@ $(FUZZ_DOMXML_SRC) $(HOST_PCI)/lib/libpci.a

# The new inputs libFuzzer finds go to $(BUILD)/fuzz/domxml-corpus; the seed
# corpus in tests/fuzz/corpus/domxml is only read.
fuzz-domxml-smoke: $(FUZZ_DOMXML)
	@mkdir -p $(BUILD)/fuzz/domxml-corpus
	@echo "  FUZZ    domxml for $(FUZZ_SMOKE_TIME) s"
	@if ! $(FUZZ_DOMXML_RUN) -max_total_time=$(FUZZ_SMOKE_TIME) >$(BUILD)/fuzz/domxml-smoke.log 2>&1; then \
	  grep -v '^#' $(BUILD)/fuzz/domxml-smoke.log | tail -40; \
	  echo "fuzz-domxml-smoke: FAIL (log $(BUILD)/fuzz/domxml-smoke.log)"; exit 1; fi
	@sed -n 's/^stat::number_of_executed_units: */  FUZZ    domxml: /p' $(BUILD)/fuzz/domxml-smoke.log | sed 's/$$/ inputs, no failure/'

fuzz-domxml: $(FUZZ_DOMXML)
	@mkdir -p $(BUILD)/fuzz/domxml-corpus
	@echo "  FUZZ    domxml for $(FUZZ_TIME) s"
	@$(FUZZ_DOMXML_RUN) -max_total_time=$(FUZZ_TIME)

# The reliability cases run through the applet runner (tests/applets/run.sh
# takes names relative to tests/applets/).
DOMXML_REL := $(patsubst tests/reliability/%.test,../reliability/%,$(wildcard tests/reliability/domxml-*.test))
reliability-domxml: vfiobox $(MKFAKESYS)
	@tests/applets/run.sh ./vfiobox $(MKFAKESYS) $(DOMXML_REL)

check-extra: fuzz-domxml-smoke reliability-domxml
fuzz: fuzz-domxml

.PHONY: fuzz fuzz-domxml fuzz-domxml-smoke reliability-domxml
