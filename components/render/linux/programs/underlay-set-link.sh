#@ @DEV@ forced to @SPEED@ Mb/s @DUPLEX@ duplex, autonegotiation off.
[ "$(link_mode @DEV@)" = "off @SPEED@ @DUPLEX@" ] ||
  ethtool -s @DEV@ speed @SPEED@ duplex @DUPLEX@ autoneg off ||
  underlay_warn "@DEV@: cannot force @SPEED@ Mb/s @DUPLEX@ duplex; left as it is"
