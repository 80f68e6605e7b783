#!/bin/sh
#@ The start script of an instance pinned to CPUs @CPUS@ on runtime vyos: VyOS's `container` has no
#@ CPU-set option, so the image's entrypoint @IMAGE_ENTRYPOINT@ runs under taskset (util-linux, in
#@ the Debian-based official image).
if ! command -v taskset >/dev/null 2>&1; then
  echo "zt-ecmp: taskset is not in this image, so the instance cannot be pinned to CPUs @CPUS@" >&2
  exit 1
fi
exec taskset -c @CPUS@ @IMAGE_ENTRYPOINT@ "$@"
