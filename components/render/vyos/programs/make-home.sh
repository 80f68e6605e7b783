#@ Makes an instance's home directory, owner-only, before the commit that starts its container
#@ (@DIRECTORY@: the directory the container mounts as zerotier-one's home).
mkdir -p "@DIRECTORY@" && chmod 700 "@DIRECTORY@"
