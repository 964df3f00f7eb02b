# e2e-desc: harness self-test: the guest kernel panics -> no RESULT line, FAIL
pass "about to crash the kernel"
echo c > /proc/sysrq-trigger
