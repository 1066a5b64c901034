#!/usr/bin/env bash
# Install the Debian 12 packages silico needs, only those missing. Idempotent: a second
# call installs nothing and takes a second. Needs root (or sudo) on a fresh machine.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git python3 procps time
  openmpi-bin libopenmpi-dev
  libhdf5-openmpi-dev hdf5-tools
  libeigen3-dev libtbb-dev libyaml-cpp-dev
  libboost-dev libboost-program-options-dev
  librandom123-dev libsundials-dev
  libgtest-dev libbenchmark-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
