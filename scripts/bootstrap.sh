#!/usr/bin/env bash
# Create the virtual environment and install Guanxi with its development tools.
set -euo pipefail
python=${1:-}
venv=${2:-.venv}
fits() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }
if [ -z "$python" ]; then
  for candidate in python3 python3.11 python3.12 python3.13 python3.14; do
    if fits "$candidate"; then python=$candidate; break; fi
  done
fi
if [ -z "$python" ] || ! fits "$python"; then
  echo "Guanxi needs Python 3.11 or newer; none was found (on Debian 12: apt-get install python3)." >&2
  exit 1
fi
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  else
    echo "Python's venv module is missing: install the python3-venv package (as root: apt-get install python3-venv)." >&2
    exit 1
  fi
fi
echo "==> setting up $venv with $("$python" --version)"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e '.[dev]'
