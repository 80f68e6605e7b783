#@ The persisted file @PATH_WORD@ as backup-file.sh kept it as number @INDEX@: there again, or gone.
rm -f @PATH_WORD@; if [ -e "$run_dir/files/@INDEX@" ] || [ -L "$run_dir/files/@INDEX@" ]; then cp -P "$run_dir/files/@INDEX@" @PATH_WORD@; fi
