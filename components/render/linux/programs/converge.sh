#@ `converge`: the floating address on its device, layer-4 hashing, then the routes as their owner
#@ keeps them. @DEVICE_UP@: the dummy device made and brought up (dummy-up.sh; nothing on lo).
#@ The hash policy is written through /proc/sys (@POLICY_FILE@, @HASH_POLICY@) so that only iproute2
#@ is needed; the sysctl.d drop-in persists it. @ROUTE_OWNER@: what the scripts do about the routes
#@ (route_owner_commands); @REDIRECTS@: a hub's ICMP redirects turned off where FRR owns the routes
#@ (with iproute2 routes keep_routes does it, and the keeper again whenever an instance restarts).
converge() {
  @DEVICE_UP@
  ip addr replace @FLOATING_IP@ dev @DEVICE@
  echo @HASH_POLICY@ > @POLICY_FILE@
  @ROUTE_OWNER@
  @REDIRECTS@
}
