#@ `underlay_snapshot DIR`: one file per setting the plan touches, DIR/underlay-<key>, holding the
#@ interface and the value(s) found (underlay.py tells the keys). Blocks: @MTU@ (underlay-read-mtu.sh),
#@ @ETHTOOL@ (underlay-ethtool-reads.sh: link, rings and offloads, where ethtool is), @RPS@
#@ (underlay-read-rps.sh), @SYSCTLS@ (underlay-read-sysctl.sh per key); none where the plan sets none.
underlay_snapshot() {
  @MTU@
  @ETHTOOL@
  @RPS@
  @SYSCTLS@
  :
}
