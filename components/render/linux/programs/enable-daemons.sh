#@ Where FRR is the system service: @ENABLE@ is one enable-daemon.sh per daemon the block needs.
# Daemons this block needs; those switched on here are recorded, and undo switches them off again.
@ENABLE@
