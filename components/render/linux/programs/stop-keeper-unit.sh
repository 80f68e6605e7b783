#@ The lab's unit @UNIT@ stopped, where systemd runs.
if [ -d /run/systemd/system ]; then systemctl stop @UNIT@ 2>/dev/null || true; fi
