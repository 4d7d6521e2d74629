#!/usr/bin/env bash
# Builds a flat apt repository (Packages, Packages.gz, Release, InRelease, Release.gpg) from Debian packages, and
# signs the release's SHA256SUMS, with the operator's OpenPGP key. A fleet then updates from the operator's mirror
# with `apt-get update && apt-get upgrade`; apt refuses the repository when a file was changed after signing or
# the signature is by a key the unit does not pin (docs/operations.md, "Installing with apt").
#
#   deploy/deb/apt-repo.sh --out REPO --key KEY DEB...
#
#   --out REPO    the repository folder (created; existing .deb files in it stay part of it)
#   --key KEY     the signing key: a key id, fingerprint or user id in gpg's keyring (GNUPGHOME is honoured)
#   DEB...        packages to add (kavach-edge_<version>_<arch>.deb)
#
# Serve REPO over HTTP(S) or copy it to the units; a unit's source line (its own pinned key, no other):
#   deb [signed-by=/etc/apt/keyrings/kavach-fleet.gpg] https://mirror.example/kavach ./
# Needs apt-utils (apt-ftparchive) and gnupg. Exit 0 done, 1 failed, 2 usage.
set -euo pipefail
out='' key=''
debs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    -*) echo "apt-repo: unknown option $1" >&2; exit 2 ;;
    *) debs+=("$1"); shift ;;
  esac
done
if [ -z "$out" ] || [ -z "$key" ]; then sed -n '6,11p' "$0" >&2; exit 2; fi
command -v apt-ftparchive >/dev/null || { echo "apt-repo: apt-ftparchive not found (apt-get install apt-utils)" >&2; exit 1; }
gpg --batch --list-secret-keys "$key" >/dev/null 2>&1 || { echo "apt-repo: no secret key '$key' in gpg's keyring" >&2; exit 1; }

mkdir -p "$out"
for d in "${debs[@]}"; do
  dpkg-deb --field "$d" Package >/dev/null || { echo "apt-repo: $d is not a Debian package" >&2; exit 1; }
  cp "$d" "$out/"
done
cd "$out"
rm -f Packages Packages.gz Release Release.gpg InRelease SHA256SUMS SHA256SUMS.gpg
apt-ftparchive packages . > Packages
gzip -9nk Packages
apt-ftparchive -o APT::FTPArchive::Release::Origin="Kavach Edge" -o APT::FTPArchive::Release::Label="kavach-edge" \
  -o APT::FTPArchive::Release::Suite=stable -o APT::FTPArchive::Release::Codename=kavach \
  -o APT::FTPArchive::Release::Architectures="amd64 arm64" release . > Release
gpg --batch --yes --local-user "$key" --clearsign --output InRelease Release
gpg --batch --yes --local-user "$key" --detach-sign --output Release.gpg Release
# the release's checksums, signed: what an operator verifies before copying packages or archives onward
shopt -s nullglob
sha256sum ./*.deb ./*.tar.gz | sed 's| \./| |' > SHA256SUMS
gpg --batch --yes --local-user "$key" --detach-sign --output SHA256SUMS.gpg SHA256SUMS
echo "apt-repo: $(grep -c '^Package:' Packages) package(s) in $out, signed by $(gpg --batch --with-colons --list-keys "$key" | awk -F: '/^fpr/ {print $10; exit}')"
