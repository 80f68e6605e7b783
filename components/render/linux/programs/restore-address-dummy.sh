#@ The dummy device @DEVICE@ and the floating address @ADDRESS@ on it as they were: gone if it was
#@ not there, else there, with or without the address, up or down.
if [ "$(cat "$1/dummy")" = no ]; then
  if ip link show dev @DEVICE@ >/dev/null 2>&1; then ip link del @DEVICE@; fi
else
  ip link show dev @DEVICE@ >/dev/null 2>&1 || ip link add @DEVICE@ type dummy
  if ip -4 -o addr show dev @DEVICE@ | grep -qF ' inet @ADDRESS@ '; then now=yes; else now=no; fi
  if [ "$now" = yes ] && [ "$(cat "$1/address")" = no ]; then ip addr del @ADDRESS@ dev @DEVICE@; fi
  if [ "$now" = no ] && [ "$(cat "$1/address")" = yes ]; then ip addr add @ADDRESS@ dev @DEVICE@; fi
  if [ "$(cat "$1/dummy_up")" = yes ]; then ip link set dev @DEVICE@ up; else ip link set dev @DEVICE@ down; fi
fi
