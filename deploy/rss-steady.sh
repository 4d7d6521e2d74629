#!/usr/bin/env bash
# Steady RSS of the daemon with every feature on (issue #7's measure, docs/benchmarks/deploy.md):
# the model, the API (polled every second), the MQTT uplink to a local mosquitto, SQLite, the simulated
# alarm; sensors fed by `kavach-sim run demo --loop` over loopback (TF03 + TI mmWave binary frames,
# camera JSON lines). VmRSS is sampled every 2 s.
#
#   deploy/rss-steady.sh APP_DIR [SECONDS] [-- extra environment, e.g. MALLOC_ARENA_MAX=2]
#
# APP_DIR holds a published kavach-edge (publish.ps1 / `dotnet publish src/Kavach.Edge -r linux-x64 ...`).
# Needs mosquitto and curl; not part of CI (a measurement, not a test). Prints one line per sample
# (elapsed_s rss_kb) and a summary.
set -euo pipefail
app="${1:?usage: deploy/rss-steady.sh APP_DIR [SECONDS] [-- VAR=VALUE...]}"
secs="${2:-90}"
shift $(( $# >= 2 ? 2 : 1 ))
[[ "${1:-}" == "--" ]] && shift
extra_env=("$@")
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# shellcheck source-path=SCRIPTDIR source=measure-site.sh
. "$here/deploy/measure-site.sh"
measure_site rss-probe
env "${extra_env[@]}" "$app/kavach-edge" run --config "$work/kavach.json" >"$work/daemon.out" 2>&1 & daemon=$!; pids+=("$daemon")
dotnet run --project "$here/src/Kavach.Sim" -c Release -- run demo --loop --quiet \
  --sensor "lidar=tcp://127.0.0.1:$pl" --sensor "radar=tcp://127.0.0.1:$pr" --sensor "camera=tcp://127.0.0.1:$pc" \
  >"$work/sim.out" 2>&1 & pids+=($!)
( while sleep 1; do curl -s "http://127.0.0.1:$api/api/status" >/dev/null || true; done ) & pids+=($!)

samples=()
for ((t = 0; t <= secs; t += 2)); do
  kill -0 "$daemon" 2>/dev/null || { echo "daemon exited:"; cat "$work/daemon.out"; exit 1; }
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$daemon/status")
  echo "$t $rss"
  samples+=("$rss")
  sleep 2
done
printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {printf "RSS MB: min %.1f, median %.1f, max %.1f (%d samples)\n", a[1]/1024, a[int((NR+1)/2)]/1024, a[NR]/1024, NR}'
echo "last: $(( ${samples[-1]} / 1024 )) MB; status: $(curl -s "http://127.0.0.1:$api/api/status" | head -c 200)"
