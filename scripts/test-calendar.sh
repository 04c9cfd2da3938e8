#!/usr/bin/env bash
# Runs the date-sensitive tests (marker `calendar`) once at each edge of the calendar
# (tests/clock.py), with the whole test process moved there. Two edges run at a time, one per
# core, each with a var/ folder of its own. Prints each edge's last lines; fails if any failed.
# Usage: scripts/test-calendar.sh PYTHON [pytest arguments...]
set -uo pipefail
PY=$1
shift
JOBS=${CALENDAR_JOBS:-2}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
"$PY" -m tests.clock >"$logs/edges" || exit 1

run_edge() {
  local name=$1 moment=$2
  shift 2
  PMKS_TEST_NOW=$moment PMKS_VAR_DIR="var/test-calendar/$name" \
    "$PY" -m pytest -m "calendar and not worker and not postgres" -q "$@" >"$logs/$name.log" 2>&1
  echo $? >"$logs/$name.rc"
}

while read -r name moment; do
  run_edge "$name" "$moment" "$@" &
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
done <"$logs/edges"
wait

failed=0
while read -r name moment; do
  rc=$(cat "$logs/$name.rc")
  echo "--- calendar edge $name ($moment): exit $rc"
  if [ "$rc" = 0 ]; then
    tail -n 1 "$logs/$name.log"
  else
    failed=1
    tail -n 60 "$logs/$name.log"
  fi
done <"$logs/edges"
exit $failed
