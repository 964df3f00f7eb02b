#!/bin/sh
/usr/bin/e2e-check dracut
