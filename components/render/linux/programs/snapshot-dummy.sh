#@ Whether the dummy device @DEVICE@ exists, and whether it is up.
if ip link show dev @DEVICE@ >/dev/null 2>&1; then echo yes; else echo no; fi > "$1/dummy"
if ip -o link show dev @DEVICE@ 2>/dev/null | grep -q '[<,]UP[,>]'; then echo yes; else echo no; fi > "$1/dummy_up"
