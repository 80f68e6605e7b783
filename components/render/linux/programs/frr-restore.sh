#@ What a failed FRR apply puts back (rollback.sh): frr.conf and the daemons file as they were, the
#@ daemons reloaded to them, and every forwarding switch as it was before the reload.
write_conf "$run_dir/frr.conf.before"
[ ! -f "$run_dir/daemons.before" ] || cat "$run_dir/daemons.before" > "$daemons"
reload_frr
forwarding_restore "$run_dir/forwarding.before"
