#@ Takes the router's lock for the rest of the run (@FUNCTIONS@, lock-functions.sh; @WHAT@ describes
#@ this run to one that waits) and makes every signal end the run through its EXIT trap, which
#@ releases it. SIGPIPE is what a write to an SSH channel that has gone away raises; SIGHUP what a
#@ closing session sends.
@FUNCTIONS@
take_lock '@WHAT@'
trap release_lock EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM
