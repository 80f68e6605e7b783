#@ Which underlay settings undo puts back. @WANTED_KEYS@: the state-file keys of the settings this
#@ version of the plan touches, separated by spaces.
# A setting a later version touches for the first time: its value from before this run is the operator's.
underlay_record_new() {
  for state in "$2"/underlay-*; do
    [ -e "$state" ] || continue
    [ -e "$1/${state##*/}" ] || cp "$state" "$1/"
  done
}
# A setting this version no longer touches gets the operator's value back now.
underlay_forget_dropped() {
  for state in "$1"/underlay-*; do
    [ -e "$state" ] || continue
    case " @WANTED_KEYS@ " in
      *" ${state##*/underlay-} "*) ;;
      *) underlay_restore_one "$state" && rm -f "$state" ;;
    esac
  done
}
