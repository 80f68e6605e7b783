#@ keep_routes' lines for one route, @TEXT@ (group @GROUP@): a member per active path that is not
#@ drained (drain.sh) and whose interface is usable (@HOPS@: route-hop.sh per active path), then the group.
members='' over='' down=''
@HOPS@
keep_group @GROUP@ "${members#/}" @DESTINATION@ "@TEXT@" "$over" "$down"
