#!/bin/bash
# The native toolchain that `dotnet publish -p:PublishAot=true` links with (issue #17), from Debian's packages:
#
#   bash .ci/aot-toolchain.sh x64      clang (the compiler driver ILCompiler calls), lld, llvm (llvm-objcopy strips
#                                      the symbols into kavach-edge.dbg), binutils' ld (ILCompiler's default linker)
#   bash .ci/aot-toolchain.sh arm64    the same, plus the arm64 cross pieces for linux-arm64 from this x64 machine:
#                                      gcc-aarch64-linux-gnu (aarch64-linux-gnu-ld, crtbegin.o, libgcc) and
#                                      libc6-dev-arm64-cross (crt1.o, libc, libm, libdl under /usr/aarch64-linux-gnu)
#
# zlib is not needed: .NET 10's ILCompiler links its own libz.a (zlib-ng), so no zlib1g-dev(:arm64) is installed.
# Installing zlib1g-dev:arm64 (what older docs suggest) also brings libc6:arm64 into /usr/lib/aarch64-linux-gnu, a
# second arm64 libc that qemu-aarch64 then picks up (docs/platform.md).
# Idempotent: installs only what dpkg says is missing. As root (CI); otherwise it prints the apt-get command.
set -euo pipefail
arch=${1:-x64}
case "$arch" in
    x64) packages=(clang lld llvm binutils) ;;
    arm64) packages=(clang lld llvm binutils gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
    *) echo "usage: $0 [x64|arm64]" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
    echo "aot-toolchain ($arch): all installed"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "aot-toolchain ($arch): missing ${missing[*]}: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "aot-toolchain ($arch): installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
