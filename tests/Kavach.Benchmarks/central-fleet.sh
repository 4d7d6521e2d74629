#!/usr/bin/env bash
# kavach-central ingest at fleet scale (docs/benchmarks/central.md): a throwaway PostgreSQL 15 cluster, mosquitto,
# INSTANCES kavach-central processes (one shared group) and kavach-sim fleet, all on this machine; prints one line of
# figures. Everything it starts is stopped on exit, also on failure. Run as root (PostgreSQL runs as postgres).
#   tests/Kavach.Benchmarks/central-fleet.sh DEVICES RATE SECONDS INSTANCES
# Build first: dotnet build -c Release src/Kavach.Central; dotnet build -c Release src/Kavach.Sim
set -euo pipefail
DEVICES=${1:-2000} RATE=${2:-5000} SECONDS_=${3:-20} INSTANCES=${4:-1}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CENTRAL=$ROOT/src/Kavach.Central/bin/Release/net10.0/kavach-central.dll
SIM=$ROOT/src/Kavach.Sim/bin/Release/net10.0/kavach-sim.dll
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=$(mktemp -d /tmp/central-bench.XXXXXX)
PGPORT=$((20000 + RANDOM % 10000)) MQPORT=$((30000 + RANDOM % 10000))
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
chown postgres "$DIR"
runuser -u postgres -- "$PGBIN/initdb" -D "$DIR/data" -A trust -U kavach -E UTF8 --no-sync >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/pg.log" -w -o "-p $PGPORT -k $DIR -c listen_addresses=127.0.0.1" start >/dev/null
psql -q -h 127.0.0.1 -p "$PGPORT" -U kavach -d postgres -c "CREATE DATABASE bench"
CS="Host=127.0.0.1;Port=$PGPORT;Username=kavach;Database=bench"
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\nmax_inflight_messages 0\nuser root\n' "$MQPORT" > "$DIR/mosquitto.conf"
mosquitto -c "$DIR/mosquitto.conf" > "$DIR/mosquitto.log" 2>&1 & PIDS+=($!)
for i in $(seq 1 "$INSTANCES"); do
  cat > "$DIR/central$i.json" <<EOF
{"Database":{"ConnectionString":"$CS"},"Mqtt":{"Port":$MQPORT,"ClientId":"central-$i"},"Http":{"Url":"http://127.0.0.1:$((MQPORT + i))"},"Logging":{"File":""}}
EOF
  dotnet "$CENTRAL" run --config "$DIR/central$i.json" > "$DIR/central$i.log" 2>&1 & PIDS+=($!)
done
for i in $(seq 1 "$INSTANCES"); do
  for _ in $(seq 1 600); do grep -q "MQTT: connected" "$DIR/central$i.log" && break; sleep 0.1; done
  grep -q "MQTT: connected" "$DIR/central$i.log" || { cat "$DIR/central$i.log"; exit 1; }
done
( while true; do cut -d' ' -f1 /proc/loadavg; sleep 2; done ) > "$DIR/load" & LOADPID=$!; PIDS+=($LOADPID)
dotnet "$SIM" fleet --broker "127.0.0.1:$MQPORT" --devices "$DEVICES" --rate "$RATE" --seconds "$SECONDS_" --seed 1 --quiet \
  --manifest "$DIR/manifest.json" > "$DIR/sim.log"
SENT=$(python3 -c "import json;print(json.load(open('$DIR/manifest.json'))['alerts'])")
Q() { psql -qAt -h 127.0.0.1 -p "$PGPORT" -U kavach -d bench -c "$1"; }
for _ in $(seq 1 600); do [ "$(Q 'SELECT count(*) FROM alerts')" -ge "$SENT" ] && break; sleep 0.1; done
kill "$LOADPID"
ROWS=$(Q 'SELECT count(*) FROM alerts')
# ingest: rows over the span of their transactions' start times; lag: row's transaction start (received_at) minus the
# alert's ts (stamped by the simulator right before its publish) — the commit itself comes commit.duration later.
read -r SPAN P50 P99 MAX <<<"$(Q "SELECT round(extract(epoch FROM max(received_at) - min(received_at))::numeric, 2),
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - ts))::numeric, 3),
  round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - ts))::numeric, 3),
  round(max(extract(epoch FROM received_at - ts))::numeric, 3) FROM alerts" | tr '|' ' ')"
HIST=""
for i in $(seq 1 "$INSTANCES"); do
  HIST+=$(curl -s "http://127.0.0.1:$((MQPORT + i))/metrics" | grep -E '^kavach_central_publish_to_commit_seconds_bucket\{le="(0.5|1)"\}|^kavach_central_publish_to_commit_seconds_count|^kavach_central_batch_size_(sum|count)|^kavach_central_commit_duration_ms_(sum|count)' | tr '\n' ' ')
done
LOAD=$(sort -n "$DIR/load" | awk '{a[NR]=$1} END {print a[1] "-" a[NR]}')
echo "devices=$DEVICES rate=$RATE s=$SECONDS_ instances=$INSTANCES sent=$SENT rows=$ROWS span_s=$SPAN ingest_per_s=$(python3 -c "print(round($ROWS/max($SPAN,0.001)))") lag_p50_s=$P50 lag_p99_s=$P99 lag_max_s=$MAX load=$LOAD"
echo "  sim: $(tail -1 "$DIR/sim.log")"
echo "  metrics: $HIST"
