#@ The instance keys of path @PATH_INDEX@ (@INSTANCES@: "<router> <key>" per instance), written whole.
cat > "$state_dir/instances/path@PATH_INDEX@.new" <<'ZT_ECMP_INSTANCES'
@INSTANCES@
ZT_ECMP_INSTANCES
mv "$state_dir/instances/path@PATH_INDEX@.new" "$state_dir/instances/path@PATH_INDEX@"
