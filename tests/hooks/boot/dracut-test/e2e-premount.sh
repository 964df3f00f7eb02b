#!/bin/sh
/e2e/run "dracut pre-mount hook"
