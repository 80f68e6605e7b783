#@ A script run over SSH, inline as a quoted here-document so that a preview shows every line that
#@ will run: @SHELL@ is `sh -s`, or `sudo -n sh -s` for a user other than root; @SCRIPT@ the script.
@SHELL@ <<'ZT_ECMP_SCRIPT'
@SCRIPT@
ZT_ECMP_SCRIPT
