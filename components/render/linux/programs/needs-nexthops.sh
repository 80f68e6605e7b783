#@ iproute2 routes are nexthop groups: a kernel or iproute2 without them is refused before anything
#@ changes. @ROUTER@: for the message.
if ! ip nexthop show >/dev/null 2>&1; then
  echo "zt-ecmp: @ROUTER@ has no kernel nexthop objects (ip nexthop; Linux 5.3 and iproute2 5.3 or later), which its routes need to keep their other paths when one instance stops" >&2
  exit 1
fi
