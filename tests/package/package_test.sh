#!/usr/bin/env bash
# The Debian packages, as a maintainer would check them: cpack builds
# anpr-unit and anpr-depot from this build tree's programs, lintian finds
# no error in them, and the programs run from the files the packages hold
# (unpacked with dpkg-deb -x into a temporary root).
# Usage: package_test.sh BUILD_DIR. Exit 77 (CTest: skipped) only where
# dpkg-deb is missing, saying so.
set -euo pipefail
build=$(cd "$1" && pwd)

if ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "SKIPPED: dpkg-deb is not installed (not a Debian host), so no .deb can be built or unpacked"
  exit 77
fi
for tool in cpack lintian; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAILED: $tool is missing: run hw/setup-host.sh (it installs cmake and lintian)" >&2
    exit 1
  fi
done

work=$(mktemp -d /tmp/anpr-package-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

echo "== cpack"
start=$(date +%s)
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" > "$work/cpack.log" 2>&1 \
  || { cat "$work/cpack.log"; fail "cpack"; }
unit_deb=$(ls "$work"/out/anpr-unit_*.deb 2>/dev/null || true)
depot_deb=$(ls "$work"/out/anpr-depot_*.deb 2>/dev/null || true)
[ -f "$unit_deb" ] && [ -f "$depot_deb" ] || { cat "$work/cpack.log"; fail "cpack made no anpr-unit/anpr-depot .deb"; }
echo "built $(basename "$unit_deb") ($(du -k "$unit_deb" | cut -f1) KiB) and $(basename "$depot_deb") ($(du -k "$depot_deb" | cut -f1) KiB) in $(( $(date +%s) - start )) s"

echo "== control fields"
for deb in "$unit_deb" "$depot_deb"; do
  dpkg-deb -f "$deb"
done
unit_depends=$(dpkg-deb -f "$unit_deb" Depends)
depot_depends=$(dpkg-deb -f "$depot_deb" Depends)
# dpkg-shlibdeps found the libraries the programs link.
for lib in libc6 libopencv libtesseract libsdl2 libsqlite3 libgps libsystemd0 adduser tesseract-ocr-eng; do
  grep -q "$lib" <<<"$unit_depends" || fail "anpr-unit Depends lacks $lib: $unit_depends"
done
for lib in libc6 libsqlite3 libpq5 libssl3 libsystemd0 adduser; do
  grep -q "$lib" <<<"$depot_depends" || fail "anpr-depot Depends lacks $lib: $depot_depends"
done
for lib in libopencv libtesseract libsdl2 libgps; do
  ! grep -q "$lib" <<<"$depot_depends" || fail "anpr-depot depends on the car's $lib: $depot_depends"
done
dpkg-deb -e "$unit_deb" "$work/unit-control"
dpkg-deb -e "$depot_deb" "$work/depot-control"
grep -qx /etc/anpr/anpr-vehicle.toml "$work/unit-control/conffiles" || fail "unit config is not a conffile"
grep -qx /etc/anpr-depot/anpr-depot.conf "$work/depot-control/conffiles" || fail "depot settings are not a conffile"
for s in postinst prerm postrm; do
  [ -x "$work/unit-control/$s" ] && [ -x "$work/depot-control/$s" ] || fail "$s missing or not executable"
done

echo "== maintainer scripts, against stand-in commands"
# Each script runs with a PATH of stubs that record their arguments (getent
# finds nobody), so what `configure` would do on a fresh host is checked
# without touching this one.
stubs="$work/stubs"
mkdir -p "$stubs"
for cmd in adduser install chown chmod udevadm systemctl deb-systemd-helper deb-systemd-invoke; do
  printf '#!/bin/sh\necho "%s $*" >> "%s"\n' "$cmd" "$work/calls.log" > "$stubs/$cmd"
  chmod +x "$stubs/$cmd"
done
# A fresh host: no such user yet, the usual groups there; deb-systemd-helper
# says was-enabled for a unit it never saw, as the real one does.
printf '#!/bin/sh\n[ "$1" = group ] && exit 0\nexit 2\n' > "$stubs/getent"
chmod +x "$stubs/getent"
check_configure() {  # check_configure CONTROL_DIR USER DATA_DIR ETC_DIR SERVICE
  : > "$work/calls.log"
  for s in postinst prerm postrm; do sh -n "$1/$s" || fail "$1/$s: shell syntax"; done
  PATH="$stubs" /bin/sh "$1/postinst" configure || fail "$1/postinst configure failed"
  PATH="$stubs" /bin/sh "$1/prerm" remove || fail "$1/prerm remove failed"
  PATH="$stubs" /bin/sh "$1/postrm" purge || fail "$1/postrm purge failed"
  cat "$work/calls.log"
  grep -q "^adduser --system --group --home $3 --no-create-home .* $2\$" "$work/calls.log" \
    || fail "postinst makes no system user $2"
  grep -qx "install -d -o $2 -g $2 -m 0750 $3" "$work/calls.log" || fail "postinst does not make $3 mode 0750"
  grep -qx "chown root:$2 $4" "$work/calls.log" || fail "postinst leaves $4 to root alone"
  grep -qx "deb-systemd-helper enable $5" "$work/calls.log" || fail "postinst does not enable $5"
  ! grep -Eq "^(rm|deluser|userdel)" "$work/calls.log" || fail "a maintainer script removes data or the user"
}
check_configure "$work/unit-control" anpr /var/lib/anpr /etc/anpr anpr-vehicle.service
grep -qx "adduser --quiet anpr video" "$work/calls.log" || fail "anpr is not put in group video (the camera)"
check_configure "$work/depot-control" anpr-depot /var/lib/anpr-depot /etc/anpr-depot anpr-depot.service

echo "== lintian"
# No error allowed; warnings and notes are printed for the record.
lintian --tag-display-limit 0 --fail-on error "$unit_deb" "$depot_deb" > "$work/lintian.log" 2>&1 \
  || { cat "$work/lintian.log"; fail "lintian found errors"; }
cat "$work/lintian.log"
echo "lintian: $(grep -c '^E:' "$work/lintian.log" || true) errors, $(grep -c '^W:' "$work/lintian.log" || true) warnings"

echo "== unpacked into a temporary root"
root="$work/root"
dpkg-deb -x "$unit_deb" "$root"
dpkg-deb -x "$depot_deb" "$root"
for f in usr/bin/anpr usr/bin/anpr-vehicle usr/bin/anpr-depot \
         usr/share/anpr/chars.yml.gz usr/share/anpr/line_reader.onnx usr/share/anpr/plate_classifier.onnx usr/share/anpr/demo/demo-hotlist.csv \
         lib/systemd/system/anpr-vehicle.service lib/systemd/system/anpr-depot.service \
         lib/udev/rules.d/99-anpr-camera.rules etc/anpr/anpr-vehicle.toml etc/anpr-depot/anpr-depot.conf \
         usr/share/doc/anpr-unit/copyright usr/share/doc/anpr-depot/changelog.gz; do
  [ -e "$root/$f" ] || fail "/$f is not in the packages"
done
for svc in anpr-vehicle anpr-depot; do
  grep -qx "Type=notify" "$root/lib/systemd/system/$svc.service" || fail "$svc.service is not Type=notify"
  grep -q "^WatchdogSec=" "$root/lib/systemd/system/$svc.service" || fail "$svc.service has no WatchdogSec"
  exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$root/lib/systemd/system/$svc.service")
  [ -x "$root$exec_path" ] || fail "$svc.service starts $exec_path, which the packages do not hold"
done
# The models the service's environment names are the ones shipped.
for var in ANPR_CHAR_MODEL ANPR_LINE_MODEL ANPR_PLATE_CLASSIFIER_MODEL; do
  model=$(sed -n "s/^Environment=$var=//p" "$root/lib/systemd/system/anpr-vehicle.service")
  [ -f "$root$model" ] || fail "anpr-vehicle.service sets $var=$model, not in the package"
done

"$root/usr/bin/anpr" --version | tee "$work/version.txt"
grep -q "^anpr [0-9]" "$work/version.txt" || fail "anpr --version"
"$root/usr/bin/anpr-vehicle" --version | grep -q "^anpr-vehicle [0-9]" || fail "anpr-vehicle --version"
"$root/usr/bin/anpr-depot" --help > "$work/depot-help.txt" || fail "anpr-depot --help exited non-zero"
grep -q "serve" "$work/depot-help.txt" || { cat "$work/depot-help.txt"; fail "anpr-depot --help names no serve"; }
head -3 "$work/depot-help.txt"
echo "PASSED: packages built, lintian clean of errors, programs run from the unpacked packages"
