#!/bin/sh
#@ Run right before the lab creates the container of one instance, where the docker CLI reaches the
#@ router's Docker engine: on the router over the Docker transport's SSH connection, or on the machine
#@ running Pulumi with DOCKER_HOST set. A container of that name (@NAME_WORD@) can only be there when
#@ no state knows it: the engine creates a container only for a resource its state lacks. If it carries
#@ this project's, stack's and path's labels (@LABELS@; @OWNER_WORD@: their values as Go's %q prints
#@ them, the way @FORMAT_WORD@ has the docker CLI show them), a killed engine left it, and it is
#@ removed; any other is refused, naming it, with exit status @REFUSED@. Nothing at all happens when
#@ there is none.
#@ Block: @SOCKET@, the engine's socket on the router where the ssh:// URL names one, else none.
#@ Values: @ROUTER@, @PATH_INDEX@, @STACK@ for the messages.
set -eu
name=@NAME_WORD@
owner=@OWNER_WORD@
refused=@REFUSED@
@SOCKET@
command -v docker >/dev/null 2>&1 || {
  echo "zt-ecmp: no docker command here to look for a container named $name; install Docker's CLI" >&2
  exit 1
}
# Docker filters names by regular expression: keep the container whose name is exactly ours (a
# container's names are its name and, with legacy links, others; none holds a comma).
listed=$(docker container ls --all --no-trunc --filter "name=$name" --format '{{.ID}} {{.Names}}')
id=$(printf '%s\n' "$listed" | awk -v name="$name" '{ n = split($2, names, ","); for (i = 1; i <= n; i++) if (names[i] == name) print $1 }')
[ -n "$id" ] || exit 0
labels=$(docker container inspect --format @FORMAT_WORD@ "$id")
if [ "$labels" != "$owner" ]; then
  echo "zt-ecmp: @ROUTER@'s Docker engine already has a container named $name that is not this lab's: its labels" \
    "@LABELS@ are $labels, where stack @STACK@'s path @PATH_INDEX@ has $owner." \
    "The lab removes only its own containers: remove or rename that one on @ROUTER@ (docker rm -f $name)," \
    "then run pulumi up again" >&2
  exit "$refused"
fi
# By id, not by name: only the container whose labels were read can go.
docker container rm --force "$id" >/dev/null
echo "zt-ecmp: removed container $name ($(printf '%.12s' "$id")) from @ROUTER@'s Docker engine: it carries stack" \
  "@STACK@'s labels for path @PATH_INDEX@ but no state knew it (a run of pulumi up was killed after Docker created it)"
