#@ At boot, where FRR owns the routes: the active paths waited for, at most @SECONDS@ s; the boot goes on
#@ without those that never come.
wait_for_paths @SECONDS@ || true
