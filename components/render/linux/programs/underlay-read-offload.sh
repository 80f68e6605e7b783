#@ Offload @NAME@ of @DEV@, which ethtool -k calls @FEATURE@: its state, without "[fixed]".
state="$(feature_state @DEV@ @FEATURE@)"; [ -z "$state" ] || echo "@DEV@ ${state%% *}" > "$1/underlay-offload-@NAME@"
