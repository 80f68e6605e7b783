#@ The docker CLI pointed at the engine's socket on the router (@HOST_WORD@: unix://<socket>, a shell word).
DOCKER_HOST=@HOST_WORD@
export DOCKER_HOST
