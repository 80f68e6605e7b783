#@ The persisted file @PATH_WORD@ (a shell word) as it is before the apply, kept as number @INDEX@ of
#@ the run's files (a link as a link); restore-file.sh puts it back.
if [ -e @PATH_WORD@ ] || [ -L @PATH_WORD@ ]; then cp -P @PATH_WORD@ "$run_dir/files/@INDEX@"; fi
