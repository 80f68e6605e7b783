#@ Reads and restores whatever an underlay-* state file holds, whichever version of the plan wrote
#@ it: what the apply, undo and boot scripts share, whatever the plan.
underlay_warn() {
  echo "zt-ecmp: warning: $*" >&2
}
has_ethtool() {
  command -v ethtool >/dev/null 2>&1
}
link_mode() {
  ethtool "$1" 2>/dev/null | awk -F': ' '
    $1 ~ /Auto-negotiation$/ { autoneg = $2 }
    $1 ~ /Speed$/ { speed = $2; sub(/Mb\/s$/, "", speed) }
    $1 ~ /Duplex$/ { duplex = tolower($2) }
    END { if (autoneg != "") print autoneg, speed, duplex }'
}
ring_size() {
  ethtool -g "$1" 2>/dev/null | awk -v want="$2:" '
    /^Current hardware settings/ { current = 1 }
    current && $1 == want { print $2; exit }'
}
feature_state() {
  ethtool -k "$1" 2>/dev/null | awk -v want="$2:" '$1 == want { print $2, ($3 == "[fixed]" ? "fixed" : "") ; exit }'
}
underlay_restore_one() {
  key="${1##*/underlay-}"
  read -r dev value rest < "$1"
  case "$key" in
    mtu)
      [ "$(cat "/sys/class/net/$dev/mtu")" = "$value" ] || ip link set dev "$dev" mtu "$value" ;;
    link)
      has_ethtool || { underlay_warn "ethtool missing: speed and duplex of $dev left as they are"; return 0; }
      [ "$(link_mode "$dev")" = "$value $rest" ] && return 0
      if [ "$value" = on ]; then
        ethtool -s "$dev" autoneg on || underlay_warn "$dev: could not turn autonegotiation back on"
      else
        set -- $rest
        ethtool -s "$dev" speed "$1" duplex "$2" autoneg off || underlay_warn "$dev: could not force $1 Mb/s $2 duplex back"
      fi ;;
    ring-rx|ring-tx)
      has_ethtool || return 0
      direction="${key#ring-}"
      [ "$(ring_size "$dev" "$(echo "$direction" | tr a-z A-Z)")" = "$value" ] ||
        ethtool -G "$dev" "$direction" "$value" || underlay_warn "$dev: could not put the $direction ring back to $value" ;;
    offload-*)
      has_ethtool || return 0
      feature="${key#offload-}"
      ethtool -K "$dev" "$feature" "$value" 2>/dev/null || underlay_warn "$dev: could not turn $feature back $value" ;;
    rps)
      tail -n +2 "$1" | while read -r queue mask; do
        echo "$mask" > "/sys/class/net/$dev/queues/$queue/rps_cpus"
      done ;;
    sysctl-*)
      echo "$value" > "/proc/sys/$(echo "${key#sysctl-}" | tr . /)" ;;
  esac
}
underlay_restore() {
  for state in "$1"/underlay-*; do
    [ -e "$state" ] || continue
    underlay_restore_one "$state"
  done
}
