# e2e-desc: harness self-test: a scenario that exits non-zero -> FAIL
pass "before the exit"
exit 3
