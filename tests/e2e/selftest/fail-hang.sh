# e2e-desc: harness self-test: a guest that never finishes -> killed at the deadline, FAIL
# e2e-timeout: 8
pass "about to hang"
sleep 600
