#@ `snapshot DIR`: records in DIR what the router holds now, for `restore DIR` (restore.sh): the hash
#@ policy (@POLICY_FILE@), the lab's nexthop objects, each route (@ROUTES@: snapshot-route.sh per
#@ route), whether the floating address @ADDRESS@ is on @DEVICE@, the dummy device's state
#@ (@DUMMY@: snapshot-dummy.sh; nothing on lo), and the underlay's settings.
snapshot() {
  mkdir -p "$1"
  cat @POLICY_FILE@ > "$1/hash_policy"
  lab_nexthops > "$1/nexthops"
  @ROUTES@
  if ip -4 -o addr show dev @DEVICE@ 2>/dev/null | grep -qF ' inet @ADDRESS@ '; then echo yes; else echo no; fi > "$1/address"
  @DUMMY@
  underlay_snapshot "$1"
}
