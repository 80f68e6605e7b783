#@ The route keeper stopped before the apply or undo changes the routes: through systemd where it runs
#@ (@SYSTEMD@: stop-keeper-unit.sh, or none where the lab does not use systemd), then, for a keeper
#@ started by hand, by the pid it recorded, checked against its command line (@KEEPER@) first, so that
#@ a reused pid is never killed.
@SYSTEMD@
if [ -f "$state_dir/keeper.pid" ]; then
  keeper=$(cat "$state_dir/keeper.pid")
  case "$(tr '\000' ' ' < "/proc/$keeper/cmdline" 2>/dev/null)" in *" @KEEPER@ "*) kill "$keeper" ;; esac
  rm -f "$state_dir/keeper.pid"
fi
