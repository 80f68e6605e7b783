#@ The MTU of @DEV@.
echo "@DEV@ $(cat /sys/class/net/@DEV@/mtu)" > "$1/underlay-mtu"
