#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (Playwright drives it with
# executable_path=/usr/bin/chromium; `playwright install` cannot download browsers here).
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: not installed and cannot install it here (need root and apt-get)"
  exit 0
fi
echo "chromium: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq chromium >/dev/null 2>&1 || echo "chromium: apt-get install failed"
exit 0
