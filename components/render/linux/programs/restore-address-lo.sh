#@ The floating address @ADDRESS@ on lo, there or not as it was.
if ip -4 -o addr show dev lo | grep -qF ' inet @ADDRESS@ '; then now=yes; else now=no; fi
if [ "$now" = yes ] && [ "$(cat "$1/address")" = no ]; then ip addr del @ADDRESS@ dev lo; fi
if [ "$now" = no ] && [ "$(cat "$1/address")" = yes ]; then ip addr add @ADDRESS@ dev lo; fi
