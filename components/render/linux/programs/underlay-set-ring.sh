#@ The @DIRECTION@ ring of @DEV@ resized to @SIZE@ (ring_size reads ethtool -g's @FIELD@ line).
[ "$(ring_size @DEV@ @FIELD@)" = @SIZE@ ] ||
  ethtool -G @DEV@ @DIRECTION@ @SIZE@ ||
  underlay_warn "@DEV@: @DIRECTION@ ring not resizable to @SIZE@; left as it is"
