#@ Where FRR owns the routes: a route to @DESTINATION@ that an earlier iproute2 apply left behind is
#@ removed; the kernel would prefer it to FRR's (proto ospf), and it would never heal.
if [ -n "$(ip -4 route show table main exact @DESTINATION@ proto boot)" ]; then ip -4 route del @DESTINATION@ proto boot table main; fi
