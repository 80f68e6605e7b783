#@ Before the first apply changes anything: a route the router already has to a peer's floating /32
#@ would be replaced (iproute2) or win over FRR's, and flows on its next hops would leave unencrypted;
#@ a nexthop object with an id of the lab's block (@FIRST_ID@ to @LAST_ID@) would be taken over, and
#@ deleted by undo. They are the operator's: refuse, naming them. @ROUTES@: refuse-operator-route.sh
#@ per route. Values: @ROUTER@, @STACK@ for the messages.
if [ "$first_apply" = yes ]; then
  @ROUTES@
  taken=$(lab_nexthops | awk '{ print $2 }' | paste -sd ' ' -)
  if [ -n "$taken" ]; then
    echo "zt-ecmp: @ROUTER@ already has nexthop objects with ids $taken, which zt-ecmp did not create: stack @STACK@ keeps the ids @FIRST_ID@ to @LAST_ID@ for its routes; remove them (ip nexthop del id ...) or use another stack name, then apply again" >&2
    exit 1
  fi
fi
