#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests, gettext for the catalogues,
# a CJK font so pages render Chinese in screenshots. Installed when run as root; otherwise
# we say what is missing and the browser tests report themselves as skipped, loudly.
set -uo pipefail
needed=()
command -v chromium >/dev/null || needed+=(chromium)
command -v msgfmt >/dev/null || needed+=(gettext)
fc-list 2>/dev/null | grep -qi 'cjk\|wqy' || needed+=(fonts-noto-cjk)
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> installing Debian packages: ${needed[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null \
    || echo "!! could not install ${needed[*]}; tests needing them will be reported as skipped" >&2
else
  echo "!! missing Debian packages: ${needed[*]} (run as root: apt-get install ${needed[*]})" >&2
fi
exit 0
