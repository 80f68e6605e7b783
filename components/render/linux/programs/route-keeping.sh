#@ Keeps a router's iproute2 routes over its live paths: the functions the apply, the boot script and
#@ the keeper share. Each route is a kernel nexthop group with one member per active path whose
#@ interface is up, has carrier and holds its address; the kernel drops a member whose interface
#@ goes and keeps the others (routing.py says why and cites the kernel). keep_routes puts back what
#@ the kernel took away once it can be back, and takes out a member whose interface lost its address
#@ or whose path is drained while its instances restart (drain.sh, gate.sh).
#@ @ROUTES@: one block per route (routing.py, _route_block). The lab's nexthop ids are @FIRST_ID@ to
#@ @LAST_ID@ (routing.py, NexthopIds). @ROUTER@ names the router in what it prints.
lab_nexthops() {
  ip nexthop show 2>/dev/null | awk -v first=@FIRST_ID@ -v last=@LAST_ID@ '$1 == "id" && $2 >= first && $2 <= last'
}
# prune_nexthops WANTED: deletes every nexthop object of the lab's that WANTED (ids between spaces)
# does not hold, groups first (a group's route goes with it).
prune_nexthops() {
  for kind in group via; do
    for id in $(lab_nexthops | awk -v kind="$kind" '$3 == kind { print $2 }'); do
      case " $1 " in
        *" $id "*) ;;
        *) ip nexthop del id "$id" ;;
      esac
    done
  done
}
# add_nexthops FILE: the lab's nexthop objects as lab_nexthops listed them in FILE, where there is
# one; an object whose device is gone meanwhile stays away.
add_nexthops() {
  [ -f "$1" ] || return 0
  awk '$3 == "via" { print $2, $4, $6 }' "$1" | while read -r id gateway dev; do
    ip nexthop add id "$id" via "$gateway" dev "$dev" || true
  done
  awk '$3 == "group" { print $2, $4 }' "$1" | while read -r id members; do
    ip nexthop add id "$id" group "$members" || true
  done
}
# What the router has now: each interface that is up with carrier, with its IPv4 addresses
# ("dev=address/length"), the lab's nexthop objects, and the main table's routes of iproute2 (proto boot).
read_live() {
  live=" $({ ip -o link show up; ip -4 -o addr show; } 2>/dev/null | awk '
    $3 ~ /^</ { name = $2; sub(/:$/, "", name); sub(/@.*/, "", name); if ($3 ~ /[<,]LOWER_UP[,>]/) carrier[name] = 1; next }
    $3 == "inet" && ($2 in carrier) { printf "%s=%s ", $2, $4 }')"
  nexthops=$(lab_nexthops)
  routes="
$(ip -4 route show table main proto boot 2>/dev/null)"
}
# drained PATH: the path is taken out of the routes while its instances restart (drain.sh, until
# gate.sh puts it back) and the drain's lease has not run out. An expired lease counts for nothing:
# a roll that never finished (its gate never ran) keeps a path out of the routes for that long at most.
drained() {
  [ -f "$state_dir/drained/path$1" ] || return 1
  read -r _ ends < "$state_dir/drained/path$1" || return 1
  [ "$(date +%s)" -lt "$ends" ]
}
# usable INTERFACE ADDRESS: the interface is up, has carrier and holds the address, whatever its prefix
# length: the path networks' subnets grow with the sites (/30 to /29...), and path 1 keeps its
# addresses then, with every next hop on it still on-link.
usable() {
  case "$live" in *" $1=$2/"*) return 0 ;; esac
  return 1
}
has_nexthop() {
  case "$nexthops" in *"id $1 via $2 dev $3 "*) return 0 ;; esac
  return 1
}
# fix WHAT COMMAND...: one change, said as it is made. A run that does not hold the router's lock
# yet (the keeper) takes it for the change, or leaves the routes alone this time while an apply,
# an undo or the boot script holds it.
fix() {
  what=$1
  shift
  [ "$busy" = no ] || return 0
  try_lock "the route keeper" || { busy=yes; return 0; }
  if ! "$@"; then
    echo "zt-ecmp: @ROUTER@: could not $what ($*)" >&2
    return 1
  fi
  echo "zt-ecmp: @ROUTER@: $what"
}
# keep_group GROUP MEMBERS DESTINATION ROUTE OVER DOWN: the route's group holds exactly MEMBERS
# (ids joined by /), and the route points at it; with no member there is no group and no route.
keep_group() {
  if [ -z "$2" ]; then
    case "$nexthops" in
      *"id $1 group "*) fix "no route to $4 while none of its paths is up (down:$6)" ip nexthop del id "$1" ;;
    esac
  else
    case "$nexthops" in
      *"id $1 group $2 "*) ;;
      *) fix "route to $4 over path(s)$5${6:+ (down:$6)}" ip nexthop replace id "$1" group "$2" ;;
    esac
    case "$routes" in
      *"
${3%/32} nhid $1 "*) ;;
      *) fix "route to $4 points at its group $1" ip route replace "$3" nhid "$1" ;;
    esac
  fi
  [ "${report:-no}" = yes ] || return 0
  if [ -n "$2" ]; then
    echo "zt-ecmp: @ROUTER@: route to $4 over path(s)$5${6:+; down:$6}"
  else
    echo "zt-ecmp: @ROUTER@: no route to $4: none of its paths is up (down:$6)"
  fi
}
keep_routes() {
  read_live
  @ROUTES@
}
