#!/bin/bash
# The outputs soak of issue #14 (not run in CI): the daemon with every output on, fed the built-in "demo" scenario in
# a loop by kavach-sim (TF03 LiDAR 100 Hz, TI mmWave 20 Hz, visibility meter 1 Hz over loopback TCP), uplinking to a
# real mosquitto that is restarted every 10 minutes, its database on a loop-mounted ext4 that is frozen (fsfreeze) for
# 30 s once an hour. Samples RSS, open descriptors, threads and the database's size every 10 s into a CSV, and at the
# end compares what SQLite committed with what a persistent subscriber received.
#
#   sudo tests/Kavach.Benchmarks/soak-outputs.sh [-d SECONDS] [-o DIR] [--daemon PATH] [--sim PATH]
#
#   -d SECONDS     duration (default 14400: four hours)
#   -o DIR         where the CSV, the logs and the summary go (default ./soak-outputs-<UTC time>)
#   --daemon PATH  kavach-edge to run (default: the native AOT build in artifacts/ci-publish-linux-x64, else
#                  `dotnet src/Kavach.Edge/bin/Release/net10.0/kavach-edge.dll`)
#   --sim PATH     kavach-sim.dll (default src/Kavach.Sim/bin/Release/net10.0/kavach-sim.dll, built if missing)
#   BROKER_RESTART_S=600 FREEZE_EVERY_S=3600 FREEZE_S=30 SAMPLE_S=10 override the rhythm.
#
# Needs root (losetup, mount, fsfreeze), mosquitto, mosquitto_sub and python3 (reads the SQLite file at the end).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DURATION=14400
OUT=$PWD/soak-outputs-$(date -u +%Y%m%dT%H%M%SZ)
DAEMON=''
SIM=$REPO/src/Kavach.Sim/bin/Release/net10.0/kavach-sim.dll
while [ $# -gt 0 ]; do
  case "$1" in
    -d) DURATION=$2; shift 2 ;;
    -o) OUT=$2; shift 2 ;;
    --daemon) DAEMON=$2; shift 2 ;;
    --sim) SIM=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak-outputs: unknown option $1" >&2; exit 2 ;;
  esac
done
BROKER_RESTART_S=${BROKER_RESTART_S:-600}
FREEZE_EVERY_S=${FREEZE_EVERY_S:-3600}
FREEZE_S=${FREEZE_S:-30}
SAMPLE_S=${SAMPLE_S:-10}
[ "$(id -u)" = 0 ] || { echo "soak-outputs: run as root (loop mount and fsfreeze)" >&2; exit 2; }
for t in mosquitto mosquitto_sub python3 fsfreeze losetup mkfs.ext4; do
  command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || { echo "soak-outputs: $t not found" >&2; exit 2; }
done
if [ -z "$DAEMON" ]; then
  if [ -x "$REPO/artifacts/ci-publish-linux-x64/kavach-edge" ]; then DAEMON=$REPO/artifacts/ci-publish-linux-x64/kavach-edge; fi
fi
if [ ! -f "$SIM" ]; then dotnet build "$REPO/src/Kavach.Sim" -c Release -v q -nologo >/dev/null; fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d /tmp/kavach-soak.XXXXXX)
DISK=$WORK/disk
pids=()
frozen=no
cleanup() {
  if [ "$frozen" = yes ]; then fsfreeze -u "$DISK" 2>/dev/null || true; fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  umount "$DISK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
BROKER_PORT=$(free_port); P_LIDAR=$(free_port); P_RADAR=$(free_port); P_CAMERA=$(free_port)

# the database's disk: 256 MB ext4 on a loop device, frozen once an hour
truncate -s 256M "$WORK/disk.img"
mkfs.ext4 -q -F "$WORK/disk.img"
mkdir -p "$DISK"
mount -o loop "$WORK/disk.img" "$DISK"

# mosquitto with persistence (the subscriber's queue survives the restarts)
mkdir -p "$WORK/broker"
cat > "$WORK/broker/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
allow_anonymous true
persistence true
persistence_location $WORK/broker/
CONF
start_broker() { mosquitto -c "$WORK/broker/mosquitto.conf" >> "$OUT/mosquitto.log" 2>&1 & BROKER_PID=$!; pids+=("$BROKER_PID"); sleep 0.5; }
start_broker
mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -V mqttv5 -q 1 -c -i soak-subscriber -x 86400 -t 'kavach/soak-unit/alerts' > "$OUT/alerts.jsonl" 2>> "$OUT/subscriber.log" &
SUB_PID=$!; pids+=("$SUB_PID")

# the demo scenario's site: its reflector at 95 m is the reference target (commissioning would learn it)
cat > "$WORK/kavach.json" <<JSON
{
  "Device": { "Id": "soak-unit" },
  "Sensors": [
    { "Name": "lidar", "Kind": "lidar", "Protocol": "tf-series", "Variant": "tf03",
      "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": $P_LIDAR } },
    { "Name": "radar", "Kind": "radar", "Protocol": "ti-mmwave", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": $P_RADAR } },
    { "Name": "camera", "Kind": "camera", "Required": false, "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": $P_CAMERA } }
  ],
  "Risk": { "ReferenceRangeM": 95 },
  "Alarm": { "Driver": "simulated" },
  "Storage": { "Path": "$DISK/kavach.db" },
  "Uplink": { "Host": "127.0.0.1", "Port": $BROKER_PORT },
  "Api": { "Urls": "http://127.0.0.1:0" },
  "Logging": { "File": "$OUT/kavach-edge.log", "Console": false }
}
JSON
if [ -n "$DAEMON" ]; then run_daemon=("$DAEMON"); else run_daemon=(dotnet "$REPO/src/Kavach.Edge/bin/Release/net10.0/kavach-edge.dll"); fi
"${run_daemon[@]}" run --config "$WORK/kavach.json" > "$OUT/daemon.out" 2>&1 &
DPID=$!; pids+=("$DPID")
sleep 2
dotnet "$SIM" run demo --loop --quiet --sensor "lidar=tcp://127.0.0.1:$P_LIDAR" --sensor "radar=tcp://127.0.0.1:$P_RADAR" \
  --sensor "camera=tcp://127.0.0.1:$P_CAMERA" > "$OUT/sim.log" 2>&1 &
pids+=($!)

echo "utc,elapsed_s,rss_kb,fds,threads,db_kb,wal_kb,broker_up,frozen" > "$OUT/soak.csv"
START=$(date +%s)
next_broker=$((START + BROKER_RESTART_S)); next_freeze=$((START + FREEZE_EVERY_S)); thaw_at=0
broker_restarts=0; freezes=0
echo "soak-outputs: $DURATION s, daemon ${run_daemon[*]}, results in $OUT"
while :; do
  now=$(date +%s); el=$((now - START))
  [ "$el" -lt "$DURATION" ] || break
  kill -0 "$DPID" 2>/dev/null || { echo "soak-outputs: the daemon exited (see $OUT/daemon.out)"; break; }
  if [ "$now" -ge "$next_broker" ]; then
    kill -TERM "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; sleep 5; start_broker
    broker_restarts=$((broker_restarts + 1)); next_broker=$((now + BROKER_RESTART_S))
  fi
  if [ "$frozen" = no ] && [ "$now" -ge "$next_freeze" ]; then
    fsfreeze -f "$DISK"; frozen=yes; thaw_at=$((now + FREEZE_S)); freezes=$((freezes + 1)); next_freeze=$((now + FREEZE_EVERY_S))
  elif [ "$frozen" = yes ] && [ "$now" -ge "$thaw_at" ]; then
    fsfreeze -u "$DISK"; frozen=no
  fi
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$DPID/status"); thr=$(awk '/^Threads/ {print $2}' "/proc/$DPID/status")
  fds=$(find "/proc/$DPID/fd" -mindepth 1 -maxdepth 1 | wc -l)
  db=$(( $(stat -c %s "$DISK/kavach.db" 2>/dev/null || echo 0) / 1024 )); wal=$(( $(stat -c %s "$DISK/kavach.db-wal" 2>/dev/null || echo 0) / 1024 ))
  up=$(kill -0 "$BROKER_PID" 2>/dev/null && echo 1 || echo 0)
  echo "$(date -u +%FT%TZ),$el,$rss,$fds,$thr,$db,$wal,$up,$([ "$frozen" = yes ] && echo 1 || echo 0)" >> "$OUT/soak.csv"
  sleep "$SAMPLE_S"
done
[ "$frozen" = no ] || { fsfreeze -u "$DISK"; frozen=no; }
sleep 15   # the outbox drains to the broker
kill -TERM "$DPID"; wait "$DPID" 2>/dev/null || true

python3 - "$OUT/soak.csv" "$DISK/kavach.db" "$OUT/alerts.jsonl" "$broker_restarts" "$freezes" > "$OUT/summary.txt" <<'PY'
import csv, json, sqlite3, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def col(k): return [int(r[k]) for r in rows]
warm = [r for r in rows if int(r["elapsed_s"]) >= 300] or rows
def stats(k):
    v = [int(r[k]) for r in warm]
    return f"{k}: after 5 min {v[0]}, end {v[-1]}, min {min(v)}, max {max(v)}"
db = sqlite3.connect(sys.argv[2])
seqs = [r[0] for r in db.execute("SELECT seq FROM events WHERE seq IS NOT NULL ORDER BY seq")]
epochs = {json.loads(p)["epoch"] for (p,) in db.execute("SELECT payload FROM events WHERE seq IS NOT NULL")}
got = set()
for line in open(sys.argv[3]):
    line = line.strip()
    if line:
        try: got.add(json.loads(line)["seq"])
        except Exception: pass
print(f"duration {rows[-1]['elapsed_s']} s, {len(rows)} samples, broker restarts {sys.argv[4]}, disk freezes {sys.argv[5]}")
for k in ("rss_kb", "fds", "threads", "db_kb", "wal_kb"): print(stats(k))
print(f"alerts committed {len(seqs)} (seq 1..{seqs[-1] if seqs else 0}, gap-free {seqs == list(range(1, len(seqs) + 1))}), epochs {len(epochs)}, "
      f"received by the subscriber {len(got & set(seqs))}, missing {sorted(set(seqs) - got)[:20]}")
PY
cat "$OUT/summary.txt"
