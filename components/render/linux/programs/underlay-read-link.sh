#@ Autonegotiation, speed and duplex of @DEV@ (link_mode, underlay-common.sh).
mode="$(link_mode @DEV@)"; [ -z "$mode" ] || echo "@DEV@ $mode" > "$1/underlay-link"
