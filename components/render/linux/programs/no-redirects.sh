#@ A hub sends no ICMP redirect on path interface @INTERFACE@, one created since the last run included
#@ (an instance that restarted): conf.all is off (tune_underlay), and a device's own switch counts too.
#@ dash's read returns 1 on a /proc/sys file (it reads it a byte at a time) though it has read the value.
if [ -f /proc/sys/net/ipv4/conf/@INTERFACE@/send_redirects ]; then read -r redirects < /proc/sys/net/ipv4/conf/@INTERFACE@/send_redirects || :; [ "$redirects" = 0 ] || echo 0 > /proc/sys/net/ipv4/conf/@INTERFACE@/send_redirects; fi
