#@ One route to @DESTINATION@, recorded in the files @STATE@.*. A route that points at a nexthop
#@ group is saved as its group's id: `ip route save` would also dump its next hops
#@ (nexthop_compat_mode), and the kernel refuses a route with both.
ip -4 route show table main exact @DESTINATION@ > "@STATE@.txt"
if grep -q " nhid " "@STATE@.txt"; then
  awk '{ for (i = 1; i < NF; i++) if ($i == "nhid") { print $(i + 1); exit } }' "@STATE@.txt" > "@STATE@.nhid"
elif [ -s "@STATE@.txt" ]; then
  ip -4 route save table main exact @DESTINATION@ > "@STATE@.bin"
fi
