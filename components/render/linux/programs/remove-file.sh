#@ The file @TARGET_WORD@ (a shell word) gone, where the plan writes none.
rm -f @TARGET_WORD@
