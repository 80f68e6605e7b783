#@ The @DIRECTION@ ring size of @DEV@ (ring_size reads ethtool -g's @FIELD@ line).
size="$(ring_size @DEV@ @FIELD@)"; [ -z "$size" ] || echo "@DEV@ $size" > "$1/underlay-ring-@DIRECTION@"
