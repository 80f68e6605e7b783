#@ The lab's unit @UNIT@, and with it the route keeper, started again once the apply has written them,
#@ where systemd runs. --no-block: the unit's boot script waits for this run's lock, released when the
#@ run ends.
if [ -d /run/systemd/system ]; then systemctl daemon-reload && systemctl --no-block start @UNIT@; fi
