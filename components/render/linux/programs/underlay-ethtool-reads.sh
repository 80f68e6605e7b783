#@ What ethtool reads, where there is ethtool: @READS@ (underlay-read-link.sh, underlay-read-ring.sh,
#@ underlay-read-offload.sh).
if has_ethtool; then
  @READS@
fi
