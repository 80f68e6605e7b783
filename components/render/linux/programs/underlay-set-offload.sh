#@ Offload @NAME@ of @DEV@ (ethtool -k's @FEATURE@) turned @STATE@, unless the driver fixes it.
case "$(feature_state @DEV@ @FEATURE@)" in
  "@STATE@ "*) ;;
  *fixed) underlay_warn "@DEV@: @NAME@ is fixed by the driver; cannot turn it @STATE@" ;;
  *) ethtool -K @DEV@ @NAME@ @STATE@ 2>/dev/null || underlay_warn "@DEV@: cannot turn @NAME@ @STATE@" ;;
esac
