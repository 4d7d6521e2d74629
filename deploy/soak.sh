#!/bin/sh
# Soak test (not run in CI): runs `kavach-edge demo --loop` (or any command given after --) for a while and
# samples its resident memory, open file descriptors and threads every few seconds into a CSV, to show
# that nothing grows. Stops the command with SIGINT (the demo's Ctrl-C) at the end.
#
#   deploy/soak.sh [-d SECONDS] [-i SECONDS] [-o FILE.csv] [-- COMMAND...]
#
#   -d  duration, default 1800 (30 minutes)
#   -i  sampling interval, default 10
#   -o  CSV file, default ./soak-<UTC time>.csv
#   COMMAND  default: /opt/kavach-edge/kavach-edge demo --loop (e.g. -- dotnet kavach-edge.dll demo --loop)
#
# CSV columns: utc,elapsed_s,rss_kb,fds,threads. Prints first/last/max RSS and FDs at the end.
set -eu
DURATION=1800
INTERVAL=10
OUT=soak-$(date -u +%Y%m%dT%H%M%SZ).csv
while [ $# -gt 0 ]; do
    case "$1" in
        -d) DURATION=$2; shift 2 ;;
        -i) INTERVAL=$2; shift 2 ;;
        -o) OUT=$2; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || set -- /opt/kavach-edge/kavach-edge demo --loop

LOG=${OUT%.csv}.log
# A background job of a script starts with SIGINT ignored, and Ctrl-C (SIGINT) is how the demo stops:
# give it back its default disposition (coreutils env 8.31+), and escalate to SIGKILL if it hangs.
if env --default-signal=INT true 2>/dev/null; then
    env --default-signal=INT "$@" > "$LOG" 2>&1 &
else
    "$@" > "$LOG" 2>&1 &
fi
PID=$!
trap 'kill -INT "$PID" 2>/dev/null || true' INT TERM
echo "utc,elapsed_s,rss_kb,fds,threads" > "$OUT"
echo "soak.sh: pid $PID ($*), ${DURATION} s, every ${INTERVAL} s -> $OUT (output in $LOG)"
START=$(date +%s)
while :; do
    NOW=$(date +%s)
    ELAPSED=$((NOW - START))
    [ "$ELAPSED" -le "$DURATION" ] || break
    if ! kill -0 "$PID" 2>/dev/null; then echo "soak.sh: the process exited early (see $LOG)" >&2; exit 1; fi
    RSS=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
    THREADS=$(awk '/^Threads:/ {print $2}' "/proc/$PID/status")
    FDS=$(find "/proc/$PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$ELAPSED,$RSS,$FDS,$THREADS" >> "$OUT"
    sleep "$INTERVAL"
done
kill -INT "$PID" 2>/dev/null || true
for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$PID" 2>/dev/null || break; sleep 1; done
if kill -0 "$PID" 2>/dev/null; then echo "soak.sh: no exit 10 s after SIGINT: SIGKILL" >&2; kill -KILL "$PID"; fi
wait "$PID" || true
awk -F, 'NR == 2 { r0 = $3; f0 = $4 } NR > 1 { if ($3 > rmax) rmax = $3; if ($4 > fmax) fmax = $4; r = $3; f = $4; n++ }
    END { printf "soak.sh: %d samples; RSS first %d kB, last %d kB, max %d kB; FDs first %d, last %d, max %d\n", n, r0, r, rmax, f0, f, fmax }' "$OUT"
