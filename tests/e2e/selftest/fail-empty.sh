# e2e-desc: harness self-test: a scenario that asserts nothing -> FAIL
true
