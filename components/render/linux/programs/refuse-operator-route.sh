#@ A route of @ROUTER@'s to @DESTINATION@ that the lab did not install: refused.
existing=$(ip -4 route show table main exact @DESTINATION@ | paste -sd ';' -)
if [ -n "$existing" ]; then
  echo "zt-ecmp: @ROUTER@ already has a route to @DESTINATION@ that zt-ecmp did not install ($existing); remove it or choose other floating IPs, then apply again" >&2
  exit 1
fi
