#@ The route to @DESTINATION@ as snapshot-route.sh recorded it in @STATE@.*: saved, or as its group's id.
if [ -s "@STATE@.bin" ]; then ip -4 route restore < "@STATE@.bin"; fi
if [ -s "@STATE@.nhid" ]; then ip -4 route replace @DESTINATION@ nhid "$(cat "@STATE@.nhid")" || true; fi
