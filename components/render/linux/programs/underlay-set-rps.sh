#@ Receive packet steering of every receive queue of @DEV@ on CPU mask @MASK@ (0: off).
for queue in /sys/class/net/@DEV@/queues/rx-*/rps_cpus; do
  echo @MASK@ > "$queue"
done
