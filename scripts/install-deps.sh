#!/usr/bin/env bash
# Installs the Debian packages aps builds and tests with (by package name, nothing else).
set -euo pipefail
packages=(cmake g++ make pkg-config libcli11-dev libfmt-dev libelf-dev libdw-dev libgtest-dev libgmock-dev
          libbenchmark-dev patchelf dpkg-dev util-linux procps clang libclang-rt-14-dev strace
          tmux lld llvm  # lld, llvm: Mach-O test fixtures (ld64.lld, llvm-lipo)
          nlohmann-json3-dev graphviz python3-jsonschema
          gdb  # gdb: gcore, for the core-file tests
          zlib1g-dev libbz2-dev liblzma-dev)  # the static build (-DAPS_STATIC=ON): libelf.a
                                              # needs libz.a, libdw.a also libbz2.a, liblzma.a
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
