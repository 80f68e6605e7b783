#!/bin/sh
#@ What the systemd unit runs at boot: tune the underlay, wait for the active paths (their
#@ instances may still be joining) and converge again. Blocks: @WAIT_FOR_PATHS@, @CONVERGE@ and
#@ @TUNE_UNDERLAY@ (the functions).
# zt-ecmp @STACK@: @ROUTER@'s floating address and ECMP route to @PEERS@, re-applied at boot.
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
@WAIT_FOR_PATHS@
@CONVERGE@
@TUNE_UNDERLAY@
tune_underlay
wait_for_paths @BOOT_WAIT_SECONDS@
converge
