# e2e-desc: harness self-test: a module named in e2e-load that cannot load -> FAIL
# e2e-load: no_such_module_e2e
pass "never runs"
