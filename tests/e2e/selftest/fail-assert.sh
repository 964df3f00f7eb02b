# e2e-desc: harness self-test: one failed assertion among passes -> FAIL
pass "this one holds"
check_eq "this one does not" 1 2
pass "the scenario goes on after a FAIL"
