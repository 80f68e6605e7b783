#!/bin/sh
#@ What a path's drain (drain.sh) compares its instances with: the key of every instance of every path
#@ on a Docker engine as this apply leaves them, one file a path under $state_dir/instances. Run after
#@ the apply, which made $state_dir. @RECORDS@: per path, the lines writing its file (rolling.py);
#@ @KEPT@: the file names of the paths there are, as a case pattern.
set -eu
umask 022
PATH=/usr/sbin:/usr/bin:/sbin:/bin
state_dir=@STATE_DIR_WORD@
mkdir -p "$state_dir/instances"
@RECORDS@
for record in "$state_dir"/instances/*; do
  case "${record##*/}" in @KEPT@) ;; *) rm -f "$record" ;; esac
done
