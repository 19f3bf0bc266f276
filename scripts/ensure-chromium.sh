#!/usr/bin/env bash
# Make sure a Chromium for the Playwright tests exists.
# WVH_E2E_BROWSER=playwright means "use Playwright's own browsers" (run
# `playwright install chromium` yourself); a path means that binary.
set -euo pipefail
browser="${WVH_E2E_BROWSER:-/usr/bin/chromium}"
if [ "$browser" = "playwright" ] || [ -x "$browser" ]; then
  exit 0
fi
if [ "$browser" != "/usr/bin/chromium" ]; then
  echo "WVH_E2E_BROWSER=$browser is not an executable file." >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser tests..."
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "Chromium is missing and this user cannot install it: run 'apt-get install chromium' as root," >&2
  echo "or set WVH_E2E_BROWSER=playwright after 'playwright install chromium'." >&2
  exit 1
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
test -x /usr/bin/chromium
