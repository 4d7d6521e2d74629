#!/usr/bin/env bash
# CPU of the daemon with the track empty (issue #17's measure, docs/benchmarks/deploy.md): every feature on
# (the model, the API, the MQTT uplink to a local mosquitto, SQLite, the simulated alarm) and three sensors at
# their nominal rates from `kavach-sim run clear --loop` over loopback (TF03 lidar 100 Hz and TI mmWave 20 Hz
# binary frames, camera JSON lines 1 Hz; no obstacle, the level stays LOW). Nobody polls the API.
#
#   deploy/cpu-idle.sh APP_DIR [SECONDS] [-- extra environment, e.g. DOTNET_GCgen0size=...]
#
# Also measures start to READY: the daemon runs under a small launcher that names itself "systemd" and gives
# it a $NOTIFY_SOCKET (Microsoft.Extensions.Hosting.Systemd sends READY=1 only under a parent called systemd),
# so READY is the same point as under the real unit: every stage started, the sensor ports listening.
# After WARMUP_S seconds (default 20) the CPU time (utime + stime from /proc/PID/stat) is taken over SECONDS
# (default 60). Prints: ready_ms, cpu_pct (of one core), threads, rss_mb, and the status (level, sensors). APP_DIR holds a published
# kavach-edge (publish.ps1, native AOT; or a JIT publish to compare). Needs mosquitto and python3; not part
# of CI (a measurement, not a test).
set -euo pipefail
app="${1:?usage: deploy/cpu-idle.sh APP_DIR [SECONDS] [-- VAR=VALUE...]}"
secs="${2:-60}"
shift $(( $# >= 2 ? 2 : 1 ))
[[ "${1:-}" == "--" ]] && shift
extra_env=("$@")
warmup="${WARMUP_S:-20}"
here="$(cd "$(dirname "$0")/.." && pwd)"
app="$(cd "$app" && pwd)"
work="$(mktemp -d)"
pids=()
# The daemon is the launcher's child: stop it by its own pid (killing the launcher alone would orphan it).
cleanup() {
  if [ -s "$work/pid" ]; then kill "$(cat "$work/pid")" 2>/dev/null || true; fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

dotnet build "$here/src/Kavach.Sim" -c Release -nologo -v q >"$work/sim-build.out" 2>&1 || { cat "$work/sim-build.out"; exit 1; }
sim="$here/src/Kavach.Sim/bin/Release/net10.0/kavach-sim.dll"

# shellcheck source-path=SCRIPTDIR source=measure-site.sh
. "$here/deploy/measure-site.sh"
measure_site cpu-probe

# The launcher: comm "systemd", a NOTIFY_SOCKET datagram socket; writes the daemon's pid, then READY's delay in ms.
cat > "$work/launch.py" <<'EOF'
import ctypes, os, socket, subprocess, sys, time
work, cmd = sys.argv[1], sys.argv[2:]
ctypes.CDLL(None).prctl(15, b"systemd", 0, 0, 0)  # PR_SET_NAME: /proc/self/comm = systemd
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(os.path.join(work, "notify"))
env = dict(os.environ, NOTIFY_SOCKET=os.path.join(work, "notify"))
env.pop("INVOCATION_ID", None)
t0 = time.monotonic()
child = subprocess.Popen(cmd, env=env, stdout=open(os.path.join(work, "daemon.out"), "w"), stderr=subprocess.STDOUT)
open(os.path.join(work, "pid"), "w").write(str(child.pid))
sock.settimeout(120)
try:
    while b"READY=1" not in sock.recv(4096):
        pass
    open(os.path.join(work, "ready_ms"), "w").write("%.0f" % ((time.monotonic() - t0) * 1000))
except socket.timeout:
    open(os.path.join(work, "ready_ms"), "w").write("timeout")
sys.exit(child.wait())
EOF
env "${extra_env[@]}" python3 "$work/launch.py" "$work" "$app/kavach-edge" run --config "$work/kavach.json" & pids+=($!)
for _ in $(seq 1 240); do [ -s "$work/ready_ms" ] && break; sleep 0.5; done
[ -s "$work/ready_ms" ] || { echo "no READY within 120 s"; cat "$work/daemon.out"; exit 1; }
daemon=$(cat "$work/pid")
[ "$(cat "$work/ready_ms")" != timeout ] || { echo "no READY within 120 s"; cat "$work/daemon.out"; exit 1; }
dotnet "$sim" run clear --loop --quiet \
  --sensor "lidar=tcp://127.0.0.1:$pl" --sensor "radar=tcp://127.0.0.1:$pr" --sensor "camera=tcp://127.0.0.1:$pc" \
  >"$work/sim.out" 2>&1 & pids+=($!)

# utime + stime in clock ticks: fields 14 and 15 of /proc/PID/stat, counted after the ") " that ends the name
ticks() { sed 's/^.*) //' "/proc/$daemon/stat" | awk '{print $12 + $13}'; }
sleep "$warmup"
kill -0 "$daemon" 2>/dev/null || { echo "daemon exited:"; cat "$work/daemon.out"; exit 1; }
t0=$(date +%s%N); c0=$(ticks)
sleep "$secs"
kill -0 "$daemon" 2>/dev/null || { echo "daemon exited:"; cat "$work/daemon.out"; exit 1; }
t1=$(date +%s%N); c1=$(ticks)
hz=$(getconf CLK_TCK)
cpu=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", 100 * c / hz / (ns / 1e9) }')
threads=$(awk '/^Threads:/ {print $2}' "/proc/$daemon/status")
rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$daemon/status")
# anonymous (heaps, stacks) vs file-backed (the executable's and libraries' pages: the kernel may drop them)
rss_parts=$(awk '/^Rss(Anon|File|Shmem):/ {printf "%s%s %.1f", sep, $1, $2 / 1024; sep = ", "}' "/proc/$daemon/status")
echo "ready_ms $(cat "$work/ready_ms")"
echo "cpu_pct $cpu (of one core, over $secs s after ${warmup} s, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "threads $threads"
echo "rss_mb $rss ($rss_parts)"
# after the measure, so it does not count: the level (LOW with the track empty) and each sensor: live, frames
echo "status $(curl -s "http://127.0.0.1:$api/api/status" | python3 -c 'import json, sys
s = json.load(sys.stdin)
print(s.get("level"), [(x.get("name"), x.get("live"), x.get("frames")) for x in s.get("sensors", [])])' 2>&1 | head -c 300)"
