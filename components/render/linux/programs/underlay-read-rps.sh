#@ The receive packet steering CPU mask of each receive queue of @DEV@.
echo @DEV@ > "$1/underlay-rps"
for queue in /sys/class/net/@DEV@/queues/rx-*; do
  echo "${queue##*/} $(cat "$queue/rps_cpus")" >> "$1/underlay-rps"
done
