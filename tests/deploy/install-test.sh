#!/bin/sh
# Tests deploy/install.sh without touching this machine: installs into a temporary root (--root DIR,
# which implies --no-systemctl) holding a copy of this machine's user and group files, then checks the
# files, owners and modes, idempotence, an upgrade that keeps the site's config, the unit's Device.Id
# (--device-id, derived from machine-id, kept on upgrade, never the example's), --uninstall (keeps
# config and data) and --uninstall --purge. Needs root (chown), useradd/groupadd with --prefix (Debian 12).
#
#   tests/deploy/install-test.sh [UNPACKED_ARCHIVE_DIR]
#
# Without an argument it lays out a stand-in archive from the repository (a fake executable), so it runs
# in a second; .ci/arm64-proof.sh passes the real unpacked linux-arm64 archive.
#
# shellcheck disable=SC2016 # the checks are single-quoted on purpose: check() evals them later
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/kavach-install-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); printf '  ok    %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf '  FAIL  %s\n' "$1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

if [ $# -ge 1 ]; then
    ARCHIVE=$(cd "$1" && pwd)
else
    ARCHIVE=$WORK/archive
    mkdir -p "$ARCHIVE/app/models" "$ARCHIVE/deploy" "$ARCHIVE/docs"
    printf '#!/bin/sh\necho kavach-edge stand-in\n' > "$ARCHIVE/app/kavach-edge"
    chmod 0755 "$ARCHIVE/app/kavach-edge"
    echo "stand-in" > "$ARCHIVE/app/kavach-edge.dll"
    cp "$REPO/deploy/systemd/kavach-edge.service" "$REPO/deploy/udev/99-kavach.rules" "$REPO/deploy/kavach.example.json" "$ARCHIVE/deploy/"
    cp "$REPO/deploy/install.sh" "$ARCHIVE/install.sh"
    printf 'version=0.0.0-test\nruntime=linux-x64\ncommit=test\n' > "$ARCHIVE/VERSION"
    (cd "$ARCHIVE" && find . -type f | sed 's|^\./||' | sort | xargs sha256sum > "$WORK/sums" && mv "$WORK/sums" SHA256SUMS)
fi

ROOT=$WORK/root
mkdir -p "$ROOT/etc"
# the user and group databases useradd --prefix edits; without gpio, as on a Jetson
for f in passwd group shadow gshadow login.defs; do [ -f "/etc/$f" ] && cp "/etc/$f" "$ROOT/etc/$f"; done
sed -i '/^gpio:/d' "$ROOT/etc/group" "$ROOT/etc/gshadow" 2>/dev/null || true
INSTALL="$ARCHIVE/install.sh"

EXAMPLE_ID=$(sed -n 's/^[[:space:]]*"Id": "\([^"]*\)".*/\1/p' "$ARCHIVE/deploy/kavach.example.json")
# the root has no machine-id yet (an SD-card image): a fresh install needs --device-id
rc=0; "$INSTALL" --root "$ROOT" > "$WORK/noid.log" 2>&1 || rc=$?
check "fresh install without --device-id or machine-id exits 2" '[ "$rc" = 2 ] && grep -q -- "--device-id ID is required" "$WORK/noid.log"'
check "...and installs nothing" '[ ! -e "$ROOT/opt/kavach-edge" ] && [ ! -e "$ROOT/etc/kavach/kavach.json" ]'
rc=0; "$INSTALL" --root "$ROOT" --device-id "bad id/+" > "$WORK/badid.log" 2>&1 || rc=$?
check "an invalid --device-id exits 2 naming the rule" '[ "$rc" = 2 ] && grep -q "letters, digits" "$WORK/badid.log"'

echo "install.sh into $ROOT (archive $ARCHIVE)"
"$INSTALL" --root "$ROOT" --device-id lc-12-west > "$WORK/install1.log" 2>&1 || { cat "$WORK/install1.log"; bad "first install exits 0"; }
check "executable installed" '[ -x "$ROOT/opt/kavach-edge/kavach-edge" ]'
check "VERSION installed" 'grep -q "^version=" "$ROOT/opt/kavach-edge/VERSION"'
check "models folder exists" '[ -d "$ROOT/opt/kavach-edge/models" ]'
check "unit installed 0644" '[ "$(stat -c %a "$ROOT/etc/systemd/system/kavach-edge.service")" = 644 ]'
check "unit is the shipped one" 'cmp -s "$ROOT/etc/systemd/system/kavach-edge.service" "$ARCHIVE/deploy/kavach-edge.service"'
check "udev rules installed" 'cmp -s "$ROOT/etc/udev/rules.d/99-kavach.rules" "$ARCHIVE/deploy/99-kavach.rules"'
check "config written from the example" '[ "$(diff "$ROOT/etc/kavach/kavach.json" "$ARCHIVE/deploy/kavach.example.json" | grep -c "^[<>]")" = 2 ]'
check "config names the unit --device-id, not the example's id" 'grep -q "\"Id\": \"lc-12-west\"" "$ROOT/etc/kavach/kavach.json" && ! grep -q "\"$EXAMPLE_ID\"" "$ROOT/etc/kavach/kavach.json"'
check "the device id is printed" 'grep -q "device id: lc-12-west" "$WORK/install1.log"'
check "config mode 0640" '[ "$(stat -c %a "$ROOT/etc/kavach/kavach.json")" = 640 ]'
# shellcheck disable=SC2034 # used inside the eval'd checks
KGID=$(awk -F: '$1=="kavach"{print $3}' "$ROOT/etc/group")
# shellcheck disable=SC2034
KUID=$(awk -F: '$1=="kavach"{print $3}' "$ROOT/etc/passwd")
check "user kavach created" '[ -n "$KUID" ]'
check "user kavach has no login shell" 'grep -q "^kavach:.*:/usr/sbin/nologin$" "$ROOT/etc/passwd"'
check "group gpio created (absent before)" 'grep -q "^gpio:" "$ROOT/etc/group"'
check "kavach in gpio" 'grep -q "^gpio:.*[:,]kavach" "$ROOT/etc/group"'
check "kavach in dialout" 'grep -q "^dialout:.*[:,]kavach" "$ROOT/etc/group"'
check "config group kavach" '[ "$(stat -c %g "$ROOT/etc/kavach/kavach.json")" = "$KGID" ]'
check "state dir owned by kavach, 0750" '[ "$(stat -c %u:%a "$ROOT/var/lib/kavach")" = "$KUID:750" ]'
check "log dir owned by kavach, 0750" '[ "$(stat -c %u:%a "$ROOT/var/log/kavach")" = "$KUID:750" ]'
check "no systemctl in --root mode" '! grep -q "started" "$WORK/install1.log"'
check "API key made: 48 hex digits, 0600, owned by kavach" '[ "$(stat -c %u:%a "$ROOT/etc/kavach/api.key")" = "$KUID:600" ] && grep -qx "[0-9a-f]\{48\}" "$ROOT/etc/kavach/api.key"'
check "API TLS key 0600, owned by kavach" '[ "$(stat -c %u:%a "$ROOT/etc/kavach/api-tls.key")" = "$KUID:600" ]'
check "API certificate self-signed, 0644, with localhost and 127.0.0.1" '[ "$(stat -c %a "$ROOT/etc/kavach/api-tls.crt")" = 644 ] && openssl x509 -noout -ext subjectAltName -in "$ROOT/etc/kavach/api-tls.crt" | grep -q "IP Address:127.0.0.1"'
check "certificate and key are a pair" '[ "$(openssl x509 -noout -pubkey -in "$ROOT/etc/kavach/api-tls.crt")" = "$(openssl pkey -pubout -in "$ROOT/etc/kavach/api-tls.key")" ]'
# shellcheck disable=SC2034 # used inside the eval'd checks
SECRETS1=$(cat "$ROOT/etc/kavach/api.key" "$ROOT/etc/kavach/api-tls.key" | sha256sum)

# the site edits its config and udev rules, and keeps data; then an upgrade (same archive again)
printf '{ "edited": true,\n  "Device": {\n    "Id": "site-unit-3"\n  }\n}\n' > "$ROOT/etc/kavach/kavach.json"
echo '# site rules' > "$ROOT/etc/udev/rules.d/99-kavach.rules"
echo data > "$ROOT/var/lib/kavach/kavach.db"
"$INSTALL" --root "$ROOT" > "$WORK/install2.log" 2>&1 || { cat "$WORK/install2.log"; bad "second install exits 0"; }
check "idempotent: second install exits 0" 'grep -q "done:" "$WORK/install2.log"'
check "upgrade keeps the site's config" 'grep -q edited "$ROOT/etc/kavach/kavach.json"'
check "upgrade keeps the API key and certificate" '[ "$(cat "$ROOT/etc/kavach/api.key" "$ROOT/etc/kavach/api-tls.key" | sha256sum)" = "$SECRETS1" ]'
check "upgrade keeps the configured device id" 'grep -q "\"Id\": \"site-unit-3\"" "$ROOT/etc/kavach/kavach.json" && grep -q "device id site-unit-3" "$WORK/install2.log"'
cp "$ROOT/etc/kavach/kavach.json" "$WORK/site.json"
rc=0; "$INSTALL" --root "$ROOT" --device-id other-unit > "$WORK/rename.log" 2>&1 || rc=$?
check "upgrade refuses to rename a configured id (exit 2, config untouched)" '[ "$rc" = 2 ] && grep -q "would rename it" "$WORK/rename.log" && cmp -s "$WORK/site.json" "$ROOT/etc/kavach/kavach.json"'
# an old install that copied the example's id: warned about on upgrade, renamed by --device-id
sed -i "s/site-unit-3/$EXAMPLE_ID/" "$ROOT/etc/kavach/kavach.json"
"$INSTALL" --root "$ROOT" > "$WORK/install3.log" 2>&1 || bad "upgrade with the example's id exits 0"
check "upgrade warns about the example's id" 'grep -q "keeps the example.s Device.Id" "$WORK/install3.log"'
"$INSTALL" --root "$ROOT" --device-id lc-12-west > "$WORK/install4.log" 2>&1 || bad "rename from the example's id exits 0"
check "--device-id replaces the example's id on upgrade" 'grep -q "\"Id\": \"lc-12-west\"" "$ROOT/etc/kavach/kavach.json" && grep -q edited "$ROOT/etc/kavach/kavach.json"'
echo '{ "edited": true }' > "$ROOT/etc/kavach/kavach.json"
rc=0; "$INSTALL" --root "$ROOT" > "$WORK/noidcfg.log" 2>&1 || rc=$?
check "upgrade of a config without Device.Id stops before changing anything" '[ "$rc" = 1 ] && grep -q "has no Device.Id" "$WORK/noidcfg.log" && grep -q edited "$ROOT/etc/kavach/kavach.json"'
printf '{ "edited": true,\n  "Device": { "Id": "site-unit-3" }\n}\n' > "$ROOT/etc/kavach/kavach.json"
check "upgrade keeps the site's udev rules, ships .dist" 'grep -q "site rules" "$ROOT/etc/udev/rules.d/99-kavach.rules" && [ -f "$ROOT/etc/udev/rules.d/99-kavach.rules.dist" ]'
check "upgrade keeps the previous release" '[ -x "$ROOT/opt/kavach-edge.previous/kavach-edge" ]'
check "one kavach user only" '[ "$(grep -c "^kavach:" "$ROOT/etc/passwd")" = 1 ]'
check "one gpio group only" '[ "$(grep -c "^gpio:" "$ROOT/etc/group")" = 1 ]'

# a board with a machine-id and no --device-id: kavach-<first 12 hex>, printed, the same on a re-install
ROOT3=$WORK/root3
mkdir -p "$ROOT3/etc"
for f in passwd group shadow gshadow login.defs; do [ -f "/etc/$f" ] && cp "/etc/$f" "$ROOT3/etc/$f"; done
echo 0123456789abcdef0123456789abcdef > "$ROOT3/etc/machine-id"
"$INSTALL" --root "$ROOT3" > "$WORK/derived.log" 2>&1 || { cat "$WORK/derived.log"; bad "install with a machine-id exits 0"; }
check "the id is derived from machine-id and printed" 'grep -q "device id: kavach-0123456789ab (derived from /etc/machine-id" "$WORK/derived.log" && grep -q "\"Id\": \"kavach-0123456789ab\"" "$ROOT3/etc/kavach/kavach.json"'
echo fedcba9876543210fedcba9876543210 > "$ROOT3/etc/machine-id"
"$INSTALL" --root "$ROOT3" > /dev/null 2>&1 || bad "re-install with a machine-id exits 0"
check "derived once: a re-install keeps it" 'grep -q "\"Id\": \"kavach-0123456789ab\"" "$ROOT3/etc/kavach/kavach.json"'

# a damaged archive is refused
cp -R "$ARCHIVE" "$WORK/damaged"
printf 'x' >> "$WORK/damaged/deploy/kavach.example.json"
if "$WORK/damaged/install.sh" --root "$WORK/root2" > "$WORK/damaged.log" 2>&1; then bad "a damaged archive is refused"; else
    check "a damaged archive is refused" 'grep -q "SHA256SUMS does not match" "$WORK/damaged.log"'; fi
rc=0; "$INSTALL" --bogus > /dev/null 2>&1 || rc=$?
if [ "$rc" -eq 2 ]; then ok "unknown option exits 2"; else bad "unknown option exits 2 (got $rc)"; fi

"$INSTALL" --root "$ROOT" --uninstall > "$WORK/uninstall.log" 2>&1 || bad "uninstall exits 0"
check "uninstall removes the program" '[ ! -e "$ROOT/opt/kavach-edge" ] && [ ! -e "$ROOT/opt/kavach-edge.previous" ]'
check "uninstall removes the unit" '[ ! -e "$ROOT/etc/systemd/system/kavach-edge.service" ]'
check "uninstall keeps config and data" 'grep -q edited "$ROOT/etc/kavach/kavach.json" && [ -f "$ROOT/var/lib/kavach/kavach.db" ]'
"$INSTALL" --root "$ROOT" --uninstall > /dev/null 2>&1 || bad "uninstall twice exits 0"
ok "uninstall is idempotent"

"$INSTALL" --root "$ROOT" --uninstall --purge > "$WORK/purge.log" 2>&1 || bad "purge exits 0"
check "purge removes config, data, logs" '[ ! -e "$ROOT/etc/kavach" ] && [ ! -e "$ROOT/var/lib/kavach" ] && [ ! -e "$ROOT/var/log/kavach" ]'
check "purge removes the udev rules" '[ ! -e "$ROOT/etc/udev/rules.d/99-kavach.rules" ]'
check "purge removes the kavach user" '! grep -q "^kavach:" "$ROOT/etc/passwd"'
check "purge keeps group gpio" 'grep -q "^gpio:" "$ROOT/etc/group"'

echo "install-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
