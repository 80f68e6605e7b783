#@ The route to @DESTINATION@ as it is now, gone before the recorded one comes back.
ip -4 route flush table main exact @DESTINATION@
