#@ What a failed apply puts back (rollback.sh): the state from before this run, the persisted files,
#@ and no state directory at all where this was the first apply.
restore "$run_dir/before"
restore_files
[ "$first_apply" = no ] || rm -rf "$state_dir"
