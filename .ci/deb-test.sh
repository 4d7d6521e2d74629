#!/bin/bash
# The Debian packages on this machine, as root (issue #18): builds the amd64 package from the native AOT daemon
# (.ci/run's artifacts/ci-publish-linux-x64, or --app DIR), checks it with lintian, installs it with apt-get,
# runs selftest as the service user, upgrades to a newer build with an edited conffile (kept), removes, purges;
# then serves a signed flat repository from a folder (a file: source, a test key in a keyring made for the test):
# `apt-get install kavach-edge` works, and the same repository with a tampered Packages file or signed by another
# key is refused. Leaves the machine as it found it (checked at the end).
#
#   bash .ci/deb-test.sh [--app DIR]      ends with "deb-test: N passed, N failed"
#
# Installs with apt-get: dpkg-dev, apt-utils (apt-ftparchive), lintian, gnupg, adduser, openssl, libgpiod2.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APP=$REPO/artifacts/ci-publish-linux-x64
[ "${1:-}" = --app ] && APP=$2
WORK=$(mktemp -d /tmp/kavach-deb-test.XXXXXX)
chmod 0755 "$WORK"   # apt's sandbox user reads the file: repository
START=$(date +%s)
passed=0
step() { printf '\n==> [%3ss] %s\n' "$(($(date +%s) - START))" "$*"; }
pass() { passed=$((passed + 1)); printf '  ok  %s\n' "$*"; }
fail() { printf 'deb-test: FAIL: %s\n' "$*" >&2; echo "deb-test: $passed passed, 1 failed"; exit 1; }
export DEBIAN_FRONTEND=noninteractive

# What this test may change, before and after: the package, the user, the group, the folders, the apt lists.
snapshot() {
    { dpkg-query -W -f '${Status}\n' kavach-edge 2>/dev/null || echo "not installed"
      getent passwd kavach || echo "no user kavach"; getent group kavach || echo "no group kavach"
      getent group gpio >/dev/null && echo "group gpio" || echo "no group gpio"
      for d in /opt/kavach-edge /etc/kavach /var/lib/kavach /var/log/kavach /usr/lib/systemd/system/kavach-edge.service \
          /etc/systemd/system/multi-user.target.wants/kavach-edge.service /usr/lib/udev/rules.d/99-kavach.rules; do
          [ -e "$d" ] && echo "exists $d" || echo "absent $d"; done; } 2>/dev/null
}
cleanup() {
    apt-get purge -y -qq kavach-edge >/dev/null 2>&1 || dpkg --purge kavach-edge >/dev/null 2>&1 || true
    if ! grep -qx "group gpio" "$WORK/before.txt" 2>/dev/null && getent group gpio >/dev/null; then groupdel gpio || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

step "apt-get: dpkg-dev apt-utils lintian gnupg adduser openssl libgpiod2"
apt-get update -qq
apt-get install -y -qq --no-install-recommends dpkg-dev apt-utils lintian gnupg adduser openssl libgpiod2 init-system-helpers \
    > "$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log"; fail "apt-get install"; }
snapshot > "$WORK/before.txt"
grep -qx "not installed" "$WORK/before.txt" || grep -q "deinstall\|not-installed" "$WORK/before.txt" \
    || fail "kavach-edge is already installed here: this test installs and purges it (dpkg --purge kavach-edge first)"

step "build: two amd64 packages (the second newer, with a changed configuration example)"
V1=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$REPO/Directory.Build.props" | head -n 1)
V2=$(echo "$V1" | awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }')
sed 's|^{|{\n  // (a newer example: the conffile changed between releases)|' "$REPO/deploy/kavach.example.json" > "$WORK/example2.json"
D1=$(bash "$REPO/deploy/deb/build-deb.sh" --app "$APP" --arch amd64 --out "$WORK/v1" --version "$V1") || fail "build-deb $V1"
D2=$(bash "$REPO/deploy/deb/build-deb.sh" --app "$APP" --arch amd64 --out "$WORK/v2" --version "$V2" --example "$WORK/example2.json") \
    || fail "build-deb $V2"
ls -l "$D1" "$D2"
pass "built $(basename "$D1") ($(($(stat -c %s "$D1") / 1024)) KiB) and $(basename "$D2")"

step "lintian"
lintian --fail-on error,warning --suppress-tags-from-file /dev/null "$D1" > "$WORK/lintian.txt" 2>&1 || { cat "$WORK/lintian.txt"; fail "lintian: errors or warnings"; }
cat "$WORK/lintian.txt"
pass "lintian: no error, no warning (overrides justified in deploy/deb/lintian-overrides)"

step "apt-get install ./$(basename "$D1")"
apt-get install -y -qq "$D1" > "$WORK/install1.log" 2>&1 || { cat "$WORK/install1.log"; fail "apt-get install $D1"; }
grep 'kavach-edge:' "$WORK/install1.log" || true
[ -x /opt/kavach-edge/kavach-edge ] || fail "/opt/kavach-edge/kavach-edge not installed"
groups=$(id -nG kavach | tr ' ' '\n')
if ! { grep -qx gpio <<< "$groups" && grep -qx dialout <<< "$groups"; }; then fail "user kavach not in gpio and dialout: $(id kavach)"; fi
[ "$(stat -c '%U:%G %a' /var/lib/kavach)" = "kavach:kavach 750" ] || fail "/var/lib/kavach: $(stat -c '%U:%G %a' /var/lib/kavach)"
[ "$(stat -c '%U:%G %a' /etc/kavach/kavach.json)" = "root:kavach 640" ] || fail "/etc/kavach/kavach.json: $(stat -c '%U:%G %a' /etc/kavach/kavach.json)"
[ "$(stat -c '%U %a' /etc/kavach/api.key)" = "kavach 600" ] || fail "/etc/kavach/api.key: $(stat -c '%U %a' /etc/kavach/api.key)"
[ -L /etc/systemd/system/multi-user.target.wants/kavach-edge.service ] || fail "the unit is not enabled"
grep -q "not started: set Device.Id" "$WORK/install1.log" || fail "postinst did not say the unconfigured unit is not started"
pass "installed: user kavach (gpio, dialout), /var/lib/kavach 0750, kavach.json 0640 root:kavach, API key 0600, unit enabled, not started"

rc=0; runuser -u kavach -- /opt/kavach-edge/kavach-edge selftest --config /etc/kavach/kavach.json > "$WORK/selftest0.txt" 2>&1 || rc=$?
if [ "$rc" != 2 ] || ! grep -q "Device.Id" "$WORK/selftest0.txt"; then
    cat "$WORK/selftest0.txt"; fail "selftest on the shipped conffile: exit $rc, expected 2 naming Device.Id"; fi
pass "the shipped configuration is refused until Device.Id is set (exit 2, named)"

# the site's edit: this unit's id and loopback sensors (no hardware here)
cat > /etc/kavach/kavach.json <<JSON
{
  "Device": { "Id": "ci-deb" },
  "Sensors": [
    { "Name": "lidar", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 },
      "BaselineStrength": 2000, "BaselineRangeM": 60 },
    { "Name": "radar", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } }
  ],
  "Alarm": { "Driver": "simulated" }
}
JSON
runuser -u kavach -- /opt/kavach-edge/kavach-edge selftest --config /etc/kavach/kavach.json > "$WORK/selftest1.txt" 2>&1 \
    || { cat "$WORK/selftest1.txt"; fail "selftest as the service user"; }
tail -n 2 "$WORK/selftest1.txt"
pass "selftest as the service user passes (config, database folder, model, sensors)"

step "W^X: the installed program under the kernel's memory-deny-write-execute (the unit's MemoryDenyWriteExecute=yes)"
CC=$(command -v cc || command -v clang || command -v gcc) || fail "no C compiler for .ci/mdwe.c"
"$CC" -O2 -o "$WORK/mdwe" "$REPO/.ci/mdwe.c"
rc=0; "$WORK/mdwe" /bin/true || rc=$?
if [ "$rc" = 125 ]; then
    pass "W^X: skipped, this kernel ($(uname -r)) has no PR_SET_MDWE (Linux 6.3+)"
else
    runuser -u kavach -- "$WORK/mdwe" /opt/kavach-edge/kavach-edge selftest --config /etc/kavach/kavach.json \
        > "$WORK/selftest-mdwe.txt" 2>&1 || { cat "$WORK/selftest-mdwe.txt"; fail "selftest under W^X"; }
    mkdir -p "$WORK/demo" && chown kavach "$WORK/demo"
    (cd "$WORK/demo" && timeout 180 runuser -u kavach -- "$WORK/mdwe" /opt/kavach-edge/kavach-edge demo) > "$WORK/demo-mdwe.txt" 2>&1 \
        || { cat "$WORK/demo-mdwe.txt"; fail "the demo under W^X"; }
    grep -q 'Walk: FAULT → LOW → MEDIUM → HIGH → MEDIUM → LOW' "$WORK/demo-mdwe.txt" \
        || { cat "$WORK/demo-mdwe.txt"; fail "the demo under W^X did not walk FAULT → LOW → MEDIUM → HIGH → MEDIUM → LOW"; }
    pass "W^X: selftest and the whole demo (model, database, sockets, API) run with no writable-executable memory"
fi

step "upgrade to $V2 with the edited conffile"
apt-get install -y -qq -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$D2" > "$WORK/install2.log" 2>&1 \
    || { cat "$WORK/install2.log"; fail "apt-get install $D2"; }
grep -q "^version=$V2$" /opt/kavach-edge/VERSION || fail "after the upgrade VERSION says $(cat /opt/kavach-edge/VERSION)"
grep -q '"Id": "ci-deb"' /etc/kavach/kavach.json || fail "the edited conffile was overwritten by the upgrade"
[ -f /etc/kavach/kavach.json.dpkg-dist ] || fail "the new release's configuration was not put beside it (kavach.json.dpkg-dist)"
runuser -u kavach -- /opt/kavach-edge/kavach-edge selftest --config /etc/kavach/kavach.json > "$WORK/selftest2.txt" 2>&1 \
    || { cat "$WORK/selftest2.txt"; fail "selftest after the upgrade"; }
pass "upgraded to $V2: the edited kavach.json kept, the new one beside it as kavach.json.dpkg-dist, selftest passes"

step "remove, then purge"
apt-get remove -y -qq kavach-edge > "$WORK/remove.log" 2>&1 || { cat "$WORK/remove.log"; fail "apt-get remove"; }
[ ! -e /opt/kavach-edge/kavach-edge ] || fail "remove left the program"
if ! { [ -f /etc/kavach/kavach.json ] && [ -d /var/lib/kavach ] && getent passwd kavach >/dev/null; }; then
    fail "remove did not keep the configuration, data and user"; fi
pass "remove: program gone; configuration, data, logs and the user kept"
apt-get purge -y -qq kavach-edge > "$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; fail "apt-get purge"; }
for d in /etc/kavach /var/lib/kavach /var/log/kavach /opt/kavach-edge; do [ ! -e "$d" ] || fail "purge left $d"; done
! getent passwd kavach >/dev/null || fail "purge left the user kavach"
pass "purge: configuration, secrets, data, logs and the user gone"

step "a signed flat repository from a folder"
export GNUPGHOME=$WORK/gnupg
mkdir -m 0700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "Kavach fleet CI <fleet@example.org>" ed25519 sign never 2>/dev/null
gpg --batch --quiet --passphrase '' --quick-gen-key "Someone else <other@example.org>" ed25519 sign never 2>/dev/null
gpg --batch --export "fleet@example.org" > "$WORK/fleet.gpg"
chmod 0644 "$WORK/fleet.gpg"
bash "$REPO/deploy/deb/apt-repo.sh" --out "$WORK/repo" --key "fleet@example.org" "$D1" "$D2" || fail "apt-repo.sh"
chmod -R a+rX "$WORK/repo"
gpg --batch --verify "$WORK/repo/SHA256SUMS.gpg" "$WORK/repo/SHA256SUMS" 2>/dev/null || fail "SHA256SUMS.gpg does not verify"
pass "repository built: Packages, Release, InRelease, Release.gpg; SHA256SUMS signed and verifies"

# apt with its own source list and lists folder: the machine's sources are not touched
aptx() {
    local repo=$1; shift
    mkdir -p "$WORK/lists/partial"
    echo "deb [signed-by=$WORK/fleet.gpg] file:$repo ./" > "$WORK/sources.list"
    apt-get -o Dir::Etc::SourceList="$WORK/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
        -o Dir::State::Lists="$WORK/lists" -o APT::Sandbox::User=root "$@"
}
aptx "$WORK/repo" update > "$WORK/update.log" 2>&1 || { cat "$WORK/update.log"; fail "apt-get update from the signed repository"; }
aptx "$WORK/repo" install -y -qq kavach-edge > "$WORK/install3.log" 2>&1 || { cat "$WORK/install3.log"; fail "apt-get install kavach-edge"; }
grep -q "^version=$V2$" /opt/kavach-edge/VERSION || fail "apt-get install kavach-edge did not take the newest ($V2)"
apt-get purge -y -qq kavach-edge > /dev/null 2>&1 || fail "purge after the repository install"
pass "apt-get update && apt-get install kavach-edge from the signed repository: $V2 installed (then purged)"

refused() {
    local name=$1 repo=$2
    rm -rf "$WORK/lists"
    if aptx "$repo" update > "$WORK/update-$name.log" 2>&1 && ! grep -q "^[EW]:" "$WORK/update-$name.log"; then
        cat "$WORK/update-$name.log"; fail "apt-get update accepted the $name repository"
    fi
    if aptx "$repo" install -y -qq kavach-edge > "$WORK/install-$name.log" 2>&1; then
        apt-get purge -y -qq kavach-edge >/dev/null 2>&1 || true
        fail "apt-get install kavach-edge worked from the $name repository"
    fi
    grep -m1 "^[EW]:" "$WORK/update-$name.log" | cut -c1-160
}
cp -a "$WORK/repo" "$WORK/tampered"
sed -i 's/^Description: .*/Description: something else/' "$WORK/tampered/Packages"
gzip -9nfk "$WORK/tampered/Packages"
refused tampered "$WORK/tampered"
pass "a repository whose Packages was changed after signing is refused"
cp -a "$WORK/repo" "$WORK/other"
(cd "$WORK/other" && gpg --batch --yes --local-user other@example.org --clearsign --output InRelease Release \
    && gpg --batch --yes --local-user other@example.org --detach-sign --output Release.gpg Release)
refused other-key "$WORK/other"
pass "the same repository signed by another key is refused"

step "the machine as it was"
snapshot > "$WORK/after.txt"
if ! getent group gpio >/dev/null || grep -qx "group gpio" "$WORK/before.txt"; then :; else
    groupdel gpio; snapshot > "$WORK/after.txt"; fi
diff "$WORK/before.txt" "$WORK/after.txt" || fail "the machine differs from before the test"
pass "package, user, groups and folders as before the test"
echo "deb-test: $passed passed, 0 failed ($(($(date +%s) - START)) s)"
