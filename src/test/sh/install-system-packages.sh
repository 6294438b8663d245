#!/usr/bin/env bash
# Installs the system packages the end-to-end tests run for real: PostgreSQL (store tests), nginx
# (proxy tests), Chromium and its driver (browser tests). Idempotent: installs only what is missing,
# runs apt-get update at most once. Needs root (or sudo) and Debian's apt.
set -euo pipefail

missing=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# The fonts make Chinese, Arabic and emoji readable in the page tests' screenshots.
for package in postgresql nginx chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji; do
  have "$package" || missing+=("$package")
done
# Prometheus: the metrics test (MetricsPrometheusIT) has the real server scrape the app.
have prometheus || missing+=(prometheus)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-system-packages: all present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null || ! sudo -n true 2>/dev/null; then
    echo "install-system-packages: NOT INSTALLED (need root): ${missing[*]}" >&2
    # In CI a missing install step must fail; on a developer's machine the tests that need them skip loudly.
    [ "${CI:-}" = "true" ] && exit 1
    exit 0
  fi
  sudo="sudo -n"
fi

echo "install-system-packages: installing ${missing[*]}"
# Tests start their own servers: keep the packages from starting system services (nginx on port 80,
# a PostgreSQL cluster) while installing, through a temporary policy-rc.d that says "not now".
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
