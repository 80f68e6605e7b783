#@ Removes one file of an instance's home (@FILE@), which the lab wrote there.
rm -f "@FILE@"
