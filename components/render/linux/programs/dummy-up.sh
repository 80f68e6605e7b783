#@ The dummy device @DEVICE@ that holds the floating address, made if it is missing, and up.
ip link show dev @DEVICE@ >/dev/null 2>&1 || ip link add @DEVICE@ type dummy
ip link set dev @DEVICE@ up
