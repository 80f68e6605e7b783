#@ Removes an instance's home directory. zerotier-one (root in the container) adds files of its own,
#@ so removing them takes sudo. The stack's folder (@STACK_DIR@) and the lab's state folder
#@ (@STATE_DIR@) go with their last home: rmdir leaves a folder that still holds anything
#@ (delete.vbash removes the state folder where no instance lives in it).
sudo rm -rf "@DIRECTORY@"
rmdir "@STACK_DIR@" "@STATE_DIR@" 2>/dev/null || true
