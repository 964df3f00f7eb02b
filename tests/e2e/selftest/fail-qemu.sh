# e2e-desc: harness self-test: QEMU refuses its command line -> FAIL with QEMU's
#   own message, without waiting for the deadline
# e2e-qemu: -device no-such-device-e2e
pass "never runs"
