#@ systemd told that the lab's unit changed or is gone, where systemd runs.
if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
