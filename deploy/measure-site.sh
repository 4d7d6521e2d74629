#!/usr/bin/env bash
# Sourced by deploy/cpu-idle.sh and deploy/rss-steady.sh: the measured site, one definition.
# measure_site ID: free loopback ports, a mosquitto broker (its pid appended to the caller's pids array), and
# $work/kavach.json — three sensors on tcp-listen (TF03, TI mmWave, camera json-lines), uplink, API, simulated
# alarm. Sets broker, api, pl (lidar), pr (radar), pc (camera) for the caller.
# shellcheck shell=bash disable=SC2034,SC2154 # ports read by the caller; work and pids are the caller's

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

measure_site() {
    local id=$1
    broker=$(free_port); api=$(free_port); pl=$(free_port); pr=$(free_port); pc=$(free_port)
    mosquitto -p "$broker" >/dev/null 2>&1 & pids+=($!)
    cat > "$work/kavach.json" <<EOF
{
  "Device": { "Id": "$id" },
  "Sensors": [
    { "Name": "lidar", "Kind": "lidar", "Protocol": "tf-series", "Variant": "tf03",
      "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": $pl },
      "BaselineStrength": 889, "BaselineRangeM": 95, "MinStrength": 40, "MaxStrength": 3500 },
    { "Name": "radar", "Kind": "radar", "Protocol": "ti-mmwave",
      "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": $pr } },
    { "Name": "camera", "Kind": "camera", "Protocol": "json-lines", "Required": false, "TimeoutMs": 5000,
      "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": $pc } }
  ],
  "Risk": { "ReferenceRangeM": 95 },
  "Storage": { "Path": "$work/kavach.db" },
  "Alarm": { "Driver": "simulated" },
  "Uplink": { "Host": "127.0.0.1", "Port": $broker, "TelemetryMs": 10000 },
  "Api": { "Urls": "http://127.0.0.1:$api" },
  "Logging": { "File": "$work/kavach.log", "Console": false }
}
EOF
}
