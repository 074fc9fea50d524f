# die and say for burn's shell scripts; sourced, not executed. Set LOG_TAG (the prefix of every
# message) before sourcing; SAY_STREAM=stdout keeps progress on stdout (the control plane's `down`
# reports "nothing to stop" there), otherwise it goes to stderr.

: "${LOG_TAG:?set LOG_TAG before sourcing scripts/lib/common.sh}"

say() {
  if [[ "${SAY_STREAM:-stderr}" == stdout ]]; then
    echo "$LOG_TAG: $*"
  else
    echo "$LOG_TAG: $*" >&2
  fi
}

die() {
  echo "$LOG_TAG: error: $*" >&2
  exit 1
}
