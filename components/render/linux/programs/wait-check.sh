#@ Path interface @INTERFACE@ counted as missing until it holds its address @ADDRESS@ (wait-for-paths.sh).
ip -4 -o addr show dev @INTERFACE@ 2>/dev/null | grep -qF ' inet @ADDRESS@ ' || missing="$missing @INTERFACE@"
