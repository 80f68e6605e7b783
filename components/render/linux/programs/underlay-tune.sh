#@ `tune_underlay`: the underlay as the plan wants it, each setting only where it differs. Blocks:
#@ @MTU@ (underlay-set-mtu.sh), @ETHTOOL@ (underlay-ethtool-sets.sh: link, rings and offloads, where
#@ ethtool is), @RPS@ (underlay-set-rps.sh), @SYSCTLS@ (underlay-set-sysctl.sh per key); none where
#@ the plan sets none. An MTU or sysctl that cannot be set fails the function (the apply rolls back).
tune_underlay() {
  @MTU@
  @ETHTOOL@
  @RPS@
  @SYSCTLS@
  :
}
