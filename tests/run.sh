#!/usr/bin/env bash
# Runs every test of the solution: the README's test command, and exactly what CI runs.
# As root it first installs the system packages the tests use (real parts: socat pseudo-terminals,
# a mosquitto broker, openssl for TLS test certificates, headless Chromium for the status page, e2fsprogs and
# util-linux for a loop-mounted ext4 image frozen with fsfreeze: the hung-disk test, PostgreSQL for the
# control-room service kavach-central). Ends with one line: "N passed, N failed".
# With TEST_KAVACH_DAEMON=PATH (a published kavach-edge, the native AOT build; .ci/run sets it) the test classes
# that start the daemon as a process (those using DaemonProcess) run a second time against that executable, and
# their results count in the totals too. Without it, one pass against the built dll.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

packages=(socat mosquitto mosquitto-clients openssl libgpiod2 chromium chromium-driver e2fsprogs util-linux postgresql)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "tests/run.sh: installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || { echo "tests/run.sh: apt-get install failed"; exit 1; }
  else
    echo "tests/run.sh: missing system packages ${missing[*]} (run as root, or apt-get install them); the tests that need them will fail"
  fi
fi

mkdir -p artifacts
log=artifacts/test-output.txt
aot=${TEST_KAVACH_DAEMON:-}
# A hung test is killed after 10 minutes and reported failed (no dump), so a run always ends.
env -u TEST_KAVACH_DAEMON dotnet test Kavach.Edge.sln --nologo --blame-hang-timeout 10min --blame-hang-dump-type none 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

if [ -n "$aot" ]; then
  # The classes whose tests start kavach-edge through DaemonProcess, by file: namespace + file name.
  filter=$(grep -rl --include='*Tests.cs' 'DaemonProcess\.' tests/Kavach.Edge.Tests | sort | while read -r f; do
    ns=$(sed -n 's/^namespace \([A-Za-z0-9_.]*\);.*/\1/p' "$f" | head -n 1)
    printf 'FullyQualifiedName~%s.%s.|' "$ns" "$(basename "$f" .cs)"
  done)
  echo "== the process tests again, against $aot =="
  if [ ! -x "$aot" ]; then
    echo "Failed!  - Failed: 1, Passed: 0, Skipped: 0, Total: 1 - TEST_KAVACH_DAEMON=$aot is not an executable" | tee -a "$log"
    status=1
  else
    TEST_KAVACH_DAEMON=$(realpath "$aot") dotnet test tests/Kavach.Edge.Tests --no-build --nologo --filter "${filter%|}" \
      --blame-hang-timeout 10min --blame-hang-dump-type none 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  fi
fi

# Formatting is a check (.editorconfig): the layout is CSharpier's (version pinned in dotnet-tools.json), the code-style
# rules dotnet format's. Counted as one test in the totals; `dotnet csharpier format .` fixes the layout.
echo "== formatting =="
if dotnet tool restore >/dev/null && dotnet csharpier check . \
   && dotnet format style Kavach.Edge.sln --verify-no-changes --severity warn; then
  echo "Passed!  - Failed: 0, Passed: 1, Skipped: 0, Total: 1 - formatting (csharpier check, dotnet format style)" | tee -a "$log"
else
  echo "Failed!  - Failed: 1, Passed: 0, Skipped: 0, Total: 1 - formatting: run dotnet csharpier format . (and dotnet format style)" | tee -a "$log"
  status=1
fi

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 70, Skipped: 0, Total: 70, ...").
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$log" | awk -F'[:,]' '
  { for (i = 1; i <= NF; i++) { gsub(/ /, "", $i) }
    for (i = 1; i < NF; i++) { if ($i ~ /Failed$/) f += $(i+1); if ($i ~ /^Passed$/) p += $(i+1); if ($i ~ /^Skipped$/) s += $(i+1) } }
  END { print p + 0, f + 0, s + 0 }')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a build error or a crashed test host
totals="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && totals="$totals, $skipped skipped"
echo "$totals" > artifacts/test-totals.txt
echo "$totals"
exit "$status"
