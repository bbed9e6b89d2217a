#!/usr/bin/env bash
# Prepares a Debian 12 host to build, test and run the ANPR unit and depot.
# Idempotent: safe to run again; installs only what is missing.
# Usage (as root): bash hw/setup-host.sh [--car]   (--car: also chrony for the clock)
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake pkg-config git ca-certificates ccache
  clang libclang-rt-14-dev          # libFuzzer targets for the parsers
  # recognition
  libopencv-dev libtesseract-dev libleptonica-dev tesseract-ocr-eng
  # capture
  libv4l-dev v4l-utils libgps-dev gpsd gpsd-clients python3-gps
  # store, sync, depot
  libsqlite3-dev sqlite3 libcurl4-openssl-dev libssl-dev openssl
  libcpp-httplib-dev libpq-dev postgresql libsimdjson-dev
  # HMI
  libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core
  espeak-ng                         # hits spoken to the driver (hmi/speech.h)
  # libraries the code leans on
  nlohmann-json3-dev libcli11-dev libspdlog-dev libtomlplusplus-dev
  # services: sd_notify watchdog and journal fields (service/); the package test
  libsystemd-dev lintian
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev xvfb
  chromium chromium-driver python3-selenium  # the depot console in a real browser (tests/sync/console_browser_test.py)
  # fonts the character classifier is trained from (tests/recognition/train_chars.cc)
  fonts-dejavu-extra fonts-liberation fonts-freefont-ttf fonts-roboto-unhinted
)

# A patrol car (not a build or CI host): chrony keeps the clock on GPS time
# (hw/chrony-anpr.conf). `bash hw/setup-host.sh --car` or ANPR_CAR=1.
if [ "${1:-}" = "--car" ] || [ "${ANPR_CAR:-0}" = "1" ]; then
  PACKAGES+=(chrony pps-tools)
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-host: run as root (it installs Debian packages)" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-host: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "setup-host: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-host: done"
