#@ Autonegotiation on for @DEV@, where the driver supports it.
case "$(link_mode @DEV@)" in on*) ;; *)
  ethtool -s @DEV@ autoneg on ||
  underlay_warn "@DEV@: autonegotiation not supported; speed and duplex left as they are" ;;
esac
