#!/bin/sh
#@ What the systemd unit runs at boot: tune the underlay, wait for the active paths where FRR owns the
#@ routes (@WAIT@; nothing with iproute2 routes, which the keeper completes as each path comes up),
#@ take the router's lock (@LOCK@, lock.sh), converge again and say what it put back. Blocks:
#@ @WAIT_FOR_PATHS@, @ROUTE_KEEPING@ (route-keeping.sh), @CONVERGE@ and @TUNE_UNDERLAY@ (the functions);
#@ @TITLE@, the line saying whose file this is.
@TITLE@
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
state_dir=@STATE_DIR_WORD@
@WAIT_FOR_PATHS@
@ROUTE_KEEPING@
@CONVERGE@
@TUNE_UNDERLAY@
tune_underlay
@WAIT@
@LOCK@
report=yes
converge
echo "zt-ecmp: @ROUTER@ restored at boot: floating @FLOATING_IP@ on @FLOATING_INTERFACE@, layer-4 hashing; @ROUTE_OWNER@"
