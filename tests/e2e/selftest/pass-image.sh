# e2e-desc: harness self-test: a scenario that brings its own image
#   (# e2e-image:) boots it, without rdinit=/init, and its verdict counts
# e2e-image: tests/e2e/selftest/images/own-init.sh
check_nomatch "no rdinit= added for an own image" "rdinit=" "$(cat /proc/cmdline)"
