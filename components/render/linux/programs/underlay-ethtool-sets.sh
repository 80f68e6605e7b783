#@ What ethtool changes (@SETS@: underlay-set-autoneg.sh or underlay-set-link.sh, underlay-set-ring.sh,
#@ underlay-set-offload.sh), each refused change a warning; without ethtool, a warning naming @DEV@.
if has_ethtool; then
  @SETS@
else
  underlay_warn "ethtool missing: speed, duplex, rings and offloads of @DEV@ left as they are"
fi
