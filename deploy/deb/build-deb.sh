#!/usr/bin/env bash
# Builds the Debian package kavach-edge_<version>_<arch>.deb from a published native AOT daemon, with dpkg-deb.
#
#   deploy/deb/build-deb.sh --app DIR --arch amd64|arm64 --out DIR [--version V] [--commit C] [--example F]
#
#   --app DIR      the published daemon: DIR/kavach-edge and the native libraries beside it (publish.ps1's app/
#                  folder, or .ci/run's artifacts/ci-publish-<rid>); DIR/models is used when present, else the
#                  repository's models/*.onnx and their cards
#   --arch A       Debian architecture: amd64 (linux-x64) or arm64 (linux-arm64); checked against the executable
#   --out DIR      where the .deb goes
#   --version V    package version (default: <Version> of Directory.Build.props); 1.2.3-rc1 becomes 1.2.3~rc1
#   --commit C     the source commit written into VERSION (default: git rev-parse --short HEAD)
#   --example F    the configuration example the conffile is made from (default: deploy/kavach.example.json)
#
# What goes where (docs/operations.md, "Installing with apt"):
#   /opt/kavach-edge/                     the executable, its native libraries, models/, docs/, VERSION
#   /etc/kavach/kavach.json               conffile: the example with an empty Device.Id (the unit is not started
#                                         until a technician sets it); an upgrade never overwrites an edited one
#   /usr/lib/systemd/system/kavach-edge.service, /usr/lib/udev/rules.d/99-kavach.rules
#   /usr/share/doc/kavach-edge/           copyright, changelog, examples/kavach.example.json
# Maintainer scripts (deploy/deb/postinst, prerm, postrm) create the user and groups, the state and log folders
# and the API's secrets, enable the unit, and start it only when configured. Exit 0 with the path printed, 1 on error.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
app='' arch='' out='' version='' commit='' example=''
while [ $# -gt 0 ]; do
  case "$1" in
    --app) app=$2; shift 2 ;;
    --arch) arch=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --commit) commit=$2; shift 2 ;;
    --example) example=$2; shift 2 ;;
    *) echo "build-deb: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$app" ] || [ -z "$arch" ] || [ -z "$out" ]; then sed -n '4,14p' "$0" >&2; exit 2; fi
[ -x "$app/kavach-edge" ] || { echo "build-deb: $app/kavach-edge is not an executable" >&2; exit 1; }
case "$arch" in
  amd64) machine="X86-64" ;;
  arm64) machine="AArch64" ;;
  *) echo "build-deb: --arch must be amd64 or arm64, got $arch" >&2; exit 2 ;;
esac
readelf -h "$app/kavach-edge" | grep -q "Machine:.*$machine" \
  || { echo "build-deb: $app/kavach-edge is not an $arch executable ($(readelf -h "$app/kavach-edge" | sed -n 's/.*Machine: *//p'))" >&2; exit 1; }
[ -n "$version" ] || version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n 1)
[ -n "$example" ] || example=$repo/deploy/kavach.example.json
[ -n "$commit" ] || commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
debversion=${version/-/\~}
printf '%s' "$debversion" | grep -Eqx '[0-9]+\.[0-9]+\.[0-9]+(~[0-9A-Za-z.]+)?' \
  || { echo "build-deb: version '$version' is not like 1.2.3 or 1.2.3-rc1" >&2; exit 2; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
opt=$root/opt/kavach-edge
install -d -m 0755 "$opt" "$opt/models" "$opt/docs" "$root/DEBIAN" "$root/etc/kavach" \
  "$root/usr/lib/systemd/system" "$root/usr/lib/udev/rules.d" "$root/usr/share/doc/kavach-edge/examples" \
  "$root/usr/share/lintian/overrides"

# the program: the executable and the native libraries it loads; never debug symbols
find "$app" -maxdepth 1 -type f ! -name '*.dbg' ! -name '*.pdb' -exec install -m 0644 {} "$opt/" \;
chmod 0755 "$opt/kavach-edge"
# the shared libraries as shipped by their NuGet packages carry symbols (libe_sqlite3.so); a board needs none
case "$arch" in amd64) strip="strip" ;; arm64) strip=aarch64-linux-gnu-strip ;; esac
if command -v "$strip" >/dev/null; then
  find "$opt" -maxdepth 1 -name '*.so' -exec "$strip" --strip-unneeded {} \;
else
  echo "build-deb: $strip not found: shared libraries left unstripped (binutils for $arch)" >&2
fi
if [ -d "$app/models" ]; then models=$app/models; else models=$repo/models; fi
find "$models" -maxdepth 1 -type f \( -name '*.onnx' -o -name '*.md' -o -name '*.json' \) -exec install -m 0644 {} "$opt/models/" \;
install -m 0644 "$repo/docs/operations.md" "$opt/docs/"
printf 'version=%s\nruntime=%s\ncommit=%s\n' "$version" "linux-${arch/amd64/x64}" "$commit" > "$opt/VERSION"
chmod 0644 "$opt/VERSION"

# configuration (conffile): the example, with Device.Id emptied: the daemon refuses an empty id (exit 2), and
# postinst starts the unit only once a technician has set it
sed 's/^\([[:space:]]*"Id"[[:space:]]*:[[:space:]]*"\)[^"]*"/\1"/' "$example" > "$root/etc/kavach/kavach.json"
grep -q '"Id": ""' "$root/etc/kavach/kavach.json" || { echo "build-deb: could not empty Device.Id in the example" >&2; exit 1; }
chmod 0644 "$root/etc/kavach/kavach.json"
echo /etc/kavach/kavach.json > "$root/DEBIAN/conffiles"
install -m 0644 "$example" "$root/usr/share/doc/kavach-edge/examples/kavach.example.json"

install -m 0644 "$repo/deploy/systemd/kavach-edge.service" "$root/usr/lib/systemd/system/"
install -m 0644 "$repo/deploy/udev/99-kavach.rules" "$root/usr/lib/udev/rules.d/"
install -m 0644 "$here/copyright" "$root/usr/share/doc/kavach-edge/copyright"
sed "s/@VERSION@/$debversion/; s/@DATE@/$(date -R -d "@$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)")/" \
  "$here/changelog" | gzip -9n > "$root/usr/share/doc/kavach-edge/changelog.gz"
install -m 0644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/kavach-edge"
for s in postinst prerm postrm; do install -m 0755 "$here/$s" "$root/DEBIAN/$s"; done

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed "s/@VERSION@/$debversion/; s/@ARCH@/$arch/; s/@SIZE@/$size/" "$here/control" > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f ! -path './etc/*' -printf '%P\n' | LC_ALL=C sort | xargs md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

deb=$out/kavach-edge_${debversion}_${arch}.deb
SOURCE_DATE_EPOCH=$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s) \
  dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
