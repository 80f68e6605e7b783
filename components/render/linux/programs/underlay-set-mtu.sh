#@ The MTU of @DEV@ set to @MTU@.
[ "$(cat /sys/class/net/@DEV@/mtu)" = @MTU@ ] || ip link set dev @DEV@ mtu @MTU@
