#@ Path @PATH@'s member @MEMBER@ of the group of @TEXT@: next hop @VIA@ over @INTERFACE@, where this
#@ router's address on the path is @ADDRESS@.
if drained @PATH@; then
  down="$down @PATH@(drained)"
elif usable @INTERFACE@ @ADDRESS@; then
  has_nexthop @MEMBER@ @VIA@ @INTERFACE@ || fix "next hop @VIA@ on path @PATH@ (@INTERFACE@) ready for @TEXT@" ip nexthop replace id @MEMBER@ via @VIA@ dev @INTERFACE@
  members="$members/@MEMBER@"
  over="$over @PATH@"
else
  down="$down @PATH@"
fi
