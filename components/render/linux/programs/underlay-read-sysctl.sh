#@ Kernel parameter @KEY@ (@FILE@).
echo "- $(cat @FILE@)" > "$1/underlay-sysctl-@KEY@"
