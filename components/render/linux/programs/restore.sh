#@ `restore DIR`: puts back what `snapshot DIR` (snapshot.sh) recorded. The lab's groups go first, and
#@ their routes with them: `ip route flush` cannot delete a route that points at a group (iproute2
#@ 6.1 sends its expanded next hops back, and the kernel refuses). @FLUSH_ROUTES@: each route
#@ flushed (restore-flush.sh); @ROUTES_BACK@: each put back (restore-route.sh); @ADDRESS_BACK@: the
#@ floating address and its device as they were (restore-address-lo.sh or restore-address-dummy.sh).
restore() {
  prune_nexthops ''
  @FLUSH_ROUTES@
  add_nexthops "$1/nexthops"
  @ROUTES_BACK@
  @ADDRESS_BACK@
  cat "$1/hash_policy" > @POLICY_FILE@
  underlay_restore "$1"
}
