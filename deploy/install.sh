#!/bin/sh
# Kavach Edge installer: run as root on the board, from the unpacked release archive
#   tar xzf kavach-edge-<version>-linux-arm64.tar.gz && cd kavach-edge-<version>-linux-arm64 && sudo ./install.sh
# Idempotent: running it again upgrades in place (the previous release is kept for a roll-back).
#
#   ./install.sh --device-id ID  install or upgrade, enable and (re)start the service
#   ./install.sh --uninstall     stop and remove the service and program; keep config, data and logs
#   ./install.sh --uninstall --purge   ...and remove config, data, logs, udev rules and the kavach user
#
# Options:
#   --device-id ID    this unit's Device.Id (1-64 of letters, digits, '-', '_'; unique in the fleet: it is
#                     the MQTT client id and topic level). Needed on a fresh install; without it the id is
#                     derived once from /etc/machine-id as kavach-<first 12 hex> and printed. An upgrade
#                     keeps the configured id (it renames only the example's placeholder id)
#   --root DIR        install into DIR instead of / (an SD-card image, or a test folder); implies
#                     --no-systemctl and skips the architecture check; users and groups go to DIR/etc
#   --no-systemctl    do not call systemctl or udevadm (no daemon-reload, enable, start, stop)
#   --no-start        enable but do not start the service
#   -h, --help        this text
#
# Exit codes: 0 done, 1 failed, 2 usage error.
set -eu

PROG=kavach-edge
USER_NAME=kavach
ROOT=/
SYSTEMCTL=yes
START=yes
MODE=install
PURGE=no
DEVICE_ID=

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }
say() { printf '%s\n' "install.sh: $*"; }
die() { printf '%s\n' "install.sh: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --root) [ $# -ge 2 ] || { usage >&2; exit 2; }; ROOT=$2; SYSTEMCTL=no; shift 2 ;;
        --root=*) ROOT=${1#--root=}; SYSTEMCTL=no; shift ;;
        --device-id) [ $# -ge 2 ] || { usage >&2; exit 2; }; DEVICE_ID=$2; shift 2 ;;
        --device-id=*) DEVICE_ID=${1#--device-id=}; shift ;;
        --no-systemctl) SYSTEMCTL=no; shift ;;
        --no-start) START=no; shift ;;
        --uninstall) MODE=uninstall; shift ;;
        --purge) PURGE=yes; shift ;;
        -h|--help) usage; exit 0 ;;
        *) printf 'install.sh: unknown option %s\n' "$1" >&2; usage >&2; exit 2 ;;
    esac
done
[ "$PURGE" = no ] || [ "$MODE" = uninstall ] || { say "--purge goes with --uninstall" >&2; exit 2; }
# the daemon's own rule (Configuration/DeviceOptions.cs): it becomes an MQTT client id and topic level
valid_id() { printf '%s' "$1" | grep -Eqx '[A-Za-z0-9_-]{1,64}' && [ "$(printf '%s' "$1" | wc -l)" -eq 0 ]; }
if [ -n "$DEVICE_ID" ] && ! valid_id "$DEVICE_ID"; then
    say "--device-id must be 1-64 of letters, digits, '-' or '_' (it becomes an MQTT topic level), got '$DEVICE_ID'" >&2; exit 2
fi

ROOT=${ROOT%/}
[ -n "$ROOT" ] || ROOT=""     # "/" → "" so that "$ROOT/etc" is "/etc"
if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then die "run as root (sudo ./install.sh)"; fi
if [ -n "$ROOT" ]; then mkdir -p "$ROOT/etc"; fi

SRC=$(cd "$(dirname "$0")" && pwd)
OPT=$ROOT/opt/$PROG
ETC=$ROOT/etc/kavach
UNIT=$ROOT/etc/systemd/system/$PROG.service
RULES=$ROOT/etc/udev/rules.d/99-kavach.rules
STATE=$ROOT/var/lib/kavach
LOGS=$ROOT/var/log/kavach

# useradd/groupadd work on DIR/etc with --prefix (no chroot needed); getent cannot look there.
if [ -n "$ROOT" ]; then PREFIX="--prefix $ROOT"; else PREFIX=""; fi
has_group() { if [ -n "$ROOT" ]; then grep -q "^$1:" "$ROOT/etc/group" 2>/dev/null; else getent group "$1" >/dev/null; fi; }
has_user() { if [ -n "$ROOT" ]; then grep -q "^$1:" "$ROOT/etc/passwd" 2>/dev/null; else getent passwd "$1" >/dev/null; fi; }
gid_of() { if [ -n "$ROOT" ]; then awk -F: -v g="$1" '$1==g{print $3}' "$ROOT/etc/group"; else getent group "$1" | cut -d: -f3; fi; }
systemctl_() { if [ "$SYSTEMCTL" = yes ]; then systemctl "$@"; fi; }

uninstall() {
    if [ "$SYSTEMCTL" = yes ] && [ -f "$UNIT" ]; then
        systemctl disable --now "$PROG" 2>/dev/null || true
    fi
    rm -f "$UNIT"
    systemctl_ daemon-reload
    rm -rf "$OPT" "$OPT.previous" "$OPT.new"
    say "removed the service and $OPT"
    if [ "$PURGE" = yes ]; then
        rm -rf "$ETC" "$STATE" "$LOGS"
        rm -f "$RULES" "$RULES.dist"
        if has_user "$USER_NAME"; then
            # shellcheck disable=SC2086 # PREFIX is empty or two words
            userdel $PREFIX "$USER_NAME" 2>/dev/null || true
        fi
        if has_group "$USER_NAME"; then
            # shellcheck disable=SC2086
            groupdel $PREFIX "$USER_NAME" 2>/dev/null || true
        fi
        if [ "$SYSTEMCTL" = yes ] && command -v udevadm >/dev/null; then udevadm control --reload || true; fi
        say "purged $ETC, $STATE, $LOGS, the udev rules and the $USER_NAME user (group gpio and dialout kept)"
    else
        say "kept $ETC, $STATE and $LOGS (remove them with --uninstall --purge)"
    fi
}

check_archive() {
    for f in app/$PROG deploy/$PROG.service deploy/99-kavach.rules deploy/kavach.example.json VERSION; do
        [ -e "$SRC/$f" ] || die "$SRC/$f missing: run install.sh from the unpacked release archive"
    done
    if [ -f "$SRC/SHA256SUMS" ] && command -v sha256sum >/dev/null; then
        (cd "$SRC" && sha256sum --quiet -c SHA256SUMS) || die "SHA256SUMS does not match: the archive is damaged"
    fi
    RID=$(sed -n 's/^runtime=//p' "$SRC/VERSION")
    VERSION=$(sed -n 's/^version=//p' "$SRC/VERSION")
    if [ -z "$ROOT" ]; then
        machine=$(uname -m)
        case "$RID:$machine" in
            linux-arm64:aarch64|linux-arm64:arm64|linux-x64:x86_64) ;;
            linux-arm64:armv7l|linux-arm64:armv6l)
                die "this is a 64-bit ARM build and this system is 32-bit ($machine): install 64-bit Raspberry Pi OS (ONNX Runtime ships no 32-bit ARM build)" ;;
            *) die "this archive is for $RID, but this machine is $machine" ;;
        esac
    fi
}

# The API key and a self-signed TLS certificate for the example's https:// URL (docs/security.md), made
# once and kept on upgrades. The secrets are 0600 and owned by the service user: the daemon refuses a
# secret file that others can read or another user owns. Delete them and run install.sh again to renew.
make_api_secrets() {
    command -v openssl >/dev/null || { say "openssl not found: make $ETC/api.key, api-tls.crt and api-tls.key yourself (docs/api.md)"; return 0; }
    if [ ! -f "$ETC/api.key" ]; then
        (umask 077 && openssl rand -hex 24 > "$ETC/api.key")
        chown "$KUID:$KGID" "$ETC/api.key"
        chmod 0600 "$ETC/api.key"
        say "wrote the API key $ETC/api.key (0600, owner $USER_NAME): the technicians' tools send it as X-Api-Key"
    fi
    if [ ! -f "$ETC/api-tls.key" ] || [ ! -f "$ETC/api-tls.crt" ]; then
        name=$(hostname 2>/dev/null | tr -cd 'A-Za-z0-9.-'); [ -n "$name" ] || name=kavach-edge
        san="DNS:$name,DNS:localhost,IP:127.0.0.1"
        if [ -z "$ROOT" ]; then for ip in $(hostname -I 2>/dev/null); do san="$san,IP:$ip"; done; fi
        (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=$name" \
            -addext "subjectAltName=$san" -keyout "$ETC/api-tls.key" -out "$ETC/api-tls.crt" 2>/dev/null) \
            || die "openssl could not make the API's certificate"
        chown "$KUID:$KGID" "$ETC/api-tls.key"
        chmod 0600 "$ETC/api-tls.key"
        chmod 0644 "$ETC/api-tls.crt"
        say "made a self-signed certificate for the API ($san), valid 10 years: $ETC/api-tls.crt"
        say "  browsers warn once; compare its $(openssl x509 -noout -fingerprint -sha256 -in "$ETC/api-tls.crt")"
    fi
}

# Device.Id as written in a config file (the first "Id" key: the Device section's, the only one the
# example has), or nothing.
config_id() { sed -n 's/^[[:space:]]*"Id"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$1" | head -n 1; }

# Sets Device.Id in config file $1 (its "Id" line) to $2, and checks it took.
set_config_id() {
    sed -i "s/^\([[:space:]]*\"Id\"[[:space:]]*:[[:space:]]*\"\)[^\"]*\"/\1$2\"/" "$1"
    [ "$(config_id "$1")" = "$2" ] || die "could not set Device.Id in $1: set it by hand"
}

# Decides this unit's id before anything is changed: kept from the site's config on an upgrade, else
# --device-id, else derived once from machine-id. Never the example's id copied onto every unit.
choose_device_id() {
    EXAMPLE_ID=$(config_id "$SRC/deploy/kavach.example.json")
    if [ -f "$ETC/kavach.json" ]; then
        CURRENT_ID=$(config_id "$ETC/kavach.json")
        if [ -z "$CURRENT_ID" ]; then
            [ -n "$DEVICE_ID" ] || DEVICE_ID=$(derived_id) || DEVICE_ID="<unique-id>"
            die "$ETC/kavach.json has no Device.Id, which this release requires (it no longer defaults to kavach-edge-01): add \"Device\": { \"Id\": \"$DEVICE_ID\" } and run install.sh again; nothing was changed"
        fi
        if [ -n "$DEVICE_ID" ] && [ "$DEVICE_ID" != "$CURRENT_ID" ] && [ "$CURRENT_ID" != "$EXAMPLE_ID" ]; then
            say "$ETC/kavach.json names this unit $CURRENT_ID; --device-id $DEVICE_ID would rename it (its MQTT topics change): edit Device.Id there, or drop --device-id; nothing was changed" >&2
            exit 2
        fi
        return 0
    fi
    if [ -z "$DEVICE_ID" ]; then
        DEVICE_ID=$(derived_id) || {
            say "--device-id ID is required on a fresh install (no usable $ROOT/etc/machine-id to derive one from): e.g. --device-id lc-47-east" >&2
            exit 2
        }
        DERIVED=yes
    fi
}

# kavach-<first 12 hex of machine-id>: stable for this installation, different on every board (unless an
# image was cloned with its machine-id: then the uplink reports the clash as a FAULT; pass --device-id).
derived_id() {
    [ -r "$ROOT/etc/machine-id" ] || return 1
    mid=$(tr -d '[:space:]' < "$ROOT/etc/machine-id")
    printf '%s' "$mid" | grep -Eqx '[0-9a-f]{32}' || return 1
    printf 'kavach-%s\n' "$(printf '%s' "$mid" | cut -c1-12)"
}

install_() {
    check_archive
    DERIVED=no
    choose_device_id
    say "installing $PROG $VERSION ($RID) into ${ROOT:-/}"

    # groups and user: gpio may not exist (Jetson, plain Debian); dialout always does on Debian.
    for g in gpio dialout; do
        # shellcheck disable=SC2086
        has_group "$g" || { groupadd $PREFIX --system "$g"; say "created group $g"; }
    done
    if has_user "$USER_NAME"; then
        # shellcheck disable=SC2086
        usermod $PREFIX -a -G gpio,dialout "$USER_NAME"
    else
        # shellcheck disable=SC2086
        useradd $PREFIX --system --user-group --no-create-home --home-dir /var/lib/kavach \
            --shell /usr/sbin/nologin --comment "Kavach Edge daemon" --groups gpio,dialout "$USER_NAME"
        say "created user $USER_NAME (groups gpio, dialout)"
    fi
    KGID=$(gid_of "$USER_NAME")

    # program: stage beside, then swap, keeping the previous release for a roll-back
    rm -rf "$OPT.new"
    mkdir -p "$OPT.new"
    cp -R "$SRC/app/." "$OPT.new/"
    mkdir -p "$OPT.new/docs" "$OPT.new/models"
    if [ -d "$SRC/docs" ]; then cp -R "$SRC/docs/." "$OPT.new/docs/"; fi
    cp "$SRC/VERSION" "$OPT.new/VERSION"
    chmod -R u+rwX,go+rX,go-w "$OPT.new"
    chmod 0755 "$OPT.new/$PROG"
    if [ -d "$OPT" ]; then
        rm -rf "$OPT.previous"
        mv "$OPT" "$OPT.previous"
    fi
    mv "$OPT.new" "$OPT"

    # configuration: never overwrite the site's; ship the current example beside it
    mkdir -p "$ETC"
    chmod 0755 "$ETC"
    cp "$SRC/deploy/kavach.example.json" "$ETC/kavach.example.json"
    chmod 0644 "$ETC/kavach.example.json"
    if [ -f "$ETC/kavach.json" ]; then
        if [ -n "$DEVICE_ID" ] && [ "$DEVICE_ID" != "$CURRENT_ID" ]; then
            set_config_id "$ETC/kavach.json" "$DEVICE_ID"
            say "renamed this unit from the example's $CURRENT_ID to $DEVICE_ID in $ETC/kavach.json"
        elif [ "$CURRENT_ID" = "$EXAMPLE_ID" ]; then
            say "warning: $ETC/kavach.json keeps the example's Device.Id $CURRENT_ID; if other units have it too they take each other's uplink (FAULT): run install.sh --device-id ID" >&2
        fi
        say "kept the existing $ETC/kavach.json, device id $(config_id "$ETC/kavach.json") (compare with kavach.example.json after an upgrade)"
    else
        cp "$SRC/deploy/kavach.example.json" "$ETC/kavach.json.new"
        set_config_id "$ETC/kavach.json.new" "$DEVICE_ID"
        chgrp "$KGID" "$ETC/kavach.json.new"
        chmod 0640 "$ETC/kavach.json.new"
        mv "$ETC/kavach.json.new" "$ETC/kavach.json"
        if [ "$DERIVED" = yes ]; then
            say "device id: $DEVICE_ID (derived from /etc/machine-id; give --device-id to choose one)"
        else
            say "device id: $DEVICE_ID"
        fi
        say "wrote $ETC/kavach.json from the example with Device.Id $DEVICE_ID: edit it for this site"
    fi

    # state and logs: systemd creates them too (StateDirectory=, LogsDirectory=); made here so that
    # `selftest` run before the first start finds them with the right owner
    mkdir -p "$STATE" "$LOGS"
    KUID=$(if [ -n "$ROOT" ]; then awk -F: -v u="$USER_NAME" '$1==u{print $3}' "$ROOT/etc/passwd"; else id -u "$USER_NAME"; fi)
    make_api_secrets
    chown "$KUID:$KGID" "$STATE" "$LOGS"
    chmod 0750 "$STATE" "$LOGS"

    # unit and udev rules
    mkdir -p "$(dirname "$UNIT")" "$(dirname "$RULES")"
    cp "$SRC/deploy/$PROG.service" "$UNIT"
    chmod 0644 "$UNIT"
    if [ -f "$RULES" ] && ! cmp -s "$SRC/deploy/99-kavach.rules" "$RULES"; then
        cp "$SRC/deploy/99-kavach.rules" "$RULES.dist"
        say "kept the site's $RULES; the shipped example is $RULES.dist"
    else
        cp "$SRC/deploy/99-kavach.rules" "$RULES"
        chmod 0644 "$RULES"
    fi

    if [ "$SYSTEMCTL" = yes ]; then
        if command -v udevadm >/dev/null; then
            udevadm control --reload || true
            udevadm trigger --subsystem-match=tty --subsystem-match=gpio || true
        fi
        systemctl daemon-reload
        systemctl enable "$PROG"
        if [ "$START" = yes ]; then
            systemctl restart "$PROG"
            say "started; checking it (sudo -u $USER_NAME $OPT/$PROG selftest):"
            sleep 3
            if command -v runuser >/dev/null; then
                runuser -u "$USER_NAME" -- "$OPT/$PROG" selftest --config "$ETC/kavach.json" || say "selftest reported a problem: see the table above"
            fi
            systemctl --no-pager --lines=5 status "$PROG" || true
        fi
    fi
    say "done: $PROG $VERSION in $OPT (previous release, if any, in $OPT.previous)"
}

if [ "$MODE" = uninstall ]; then uninstall; else install_; fi
