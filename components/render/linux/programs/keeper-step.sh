#@ The function @NAME@ of a drain (leave_out) or gate (put_back) where iproute2 owns the routes: they
#@ follow the drain marks as the router's route keeper keeps them once (keeper.sh `once`), under the
#@ router's lock, with the routes as this router has them. @RUN@: what the lock says is running;
#@ @ROUTER@: for the message.
# The placeholder stands for leave_out or put_back.
# shellcheck disable=SC3033
@NAME@() {
  [ -f "$state_dir/keeper.sh" ] || { echo "zt-ecmp: @ROUTER@ has no route keeper at $state_dir/keeper.sh; run pulumi up again" >&2; exit 1; }
  sh "$state_dir/keeper.sh" once '@RUN@'
}
