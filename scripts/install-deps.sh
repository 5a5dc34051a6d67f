#!/usr/bin/env bash
# Installs the Debian packages cmodx needs to build, test and compare against QEMU.
# Only missing packages are installed; works as root or through sudo. Safe to run repeatedly.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  clang lld llvm-14-dev           # guest toolchain (clang --target=aarch64, ld.lld), LLVM MC for tests
  llvm-14                         # llvm-mca: the reference of the timing validation
  python3                         # scripts/timing_validation.py (generates a guest at build time)
  libcapstone-dev                 # disassembly text and the decoder cross-check
  libgtest-dev libgmock-dev       # GoogleTest
  libfmt-dev libcli11-dev
  libzstd-dev libxxhash-dev       # snapshot files (compressed) and the machine state hash
  nlohmann-json3-dev              # --stats-json
  libtomlplusplus-dev             # toml++: machine configuration files
  qemu-system-arm                 # qemu-system-aarch64: the differential-test oracle and bench anchor
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "install-deps: missing packages (${missing[*]}) and neither root nor sudo is available" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
