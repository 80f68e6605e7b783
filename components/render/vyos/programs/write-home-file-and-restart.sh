#@ On an update: the file written (@WRITE@, write-home-file.sh, one line), and only if that worked the
#@ container that reads it restarted (@RESTART@, restart-container.sh).
@WRITE@ || exit 1
@RESTART@
