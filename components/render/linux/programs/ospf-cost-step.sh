#@ The function @NAME@ of a drain (leave_out) or gate (put_back) where FRR owns the routes: they follow
#@ the OSPF cost of the path's interface, set under the router's lock (@LOCK_FUNCTIONS@,
#@ lock-functions.sh) by @COST_COMMAND@ (frr.py ospf_cost_command). @RUN@: what the lock says is running.
@LOCK_FUNCTIONS@
# The placeholder stands for leave_out or put_back.
# shellcheck disable=SC3033
@NAME@() {
  take_lock '@RUN@'
  @COST_COMMAND@
  release_lock
}
