#!/usr/bin/env bash
# The whole test suite: static checks, then pytest on SQLite and, when it answers, PostgreSQL.
# Prints at the end which runs happened and which were skipped, and why.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export GUANXI_DATA_DIR=${GUANXI_DATA_DIR:-$(mktemp -d)}
PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
REDIS_URL_TEST=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
# pytest-xdist: one worker per core (at most 4), each with its own test database
WORKERS=${TEST_WORKERS:-$("$PY" -c 'import os; print(max(1, min(4, len(os.sched_getaffinity(0)))))')}
summary=()
failed=0

step() {  # step NAME COMMAND...
  local name=$1; shift
  echo "==> $name"
  if "$@"; then summary+=("PASSED   $name"); else summary+=("FAILED   $name"); failed=1; fi
}

answers() {  # answers HOST PORT
  "$PY" - "$1" "$2" <<'PYEOF'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).close()
except OSError:
    sys.exit(1)
PYEOF
}

step "ruff lint" "$PY" -m ruff check .
step "ruff format" "$PY" -m ruff format --check --quiet .
step "mypy (strict)" "$PY" -m mypy src
# Security lint: medium and high findings fail; a justified one carries "# nosec BXXX - why".
step "bandit (medium and above)" "$PY" -m bandit -c pyproject.toml -r src -ll -q
step "migrations match models" "$PY" -m guanxi.cli makemigrations --check --dry-run
step "policy presets" "$PY" -m guanxi.cli policy check policies/*.toml
if command -v msgfmt >/dev/null; then
  step "translations compile" bash -c 'for po in src/guanxi/locale/*/LC_MESSAGES/*.po; do
      msgfmt --check-format -o /dev/null "$po" || exit 1
      [ "$po" -ot "${po%.po}.mo" ] || [ "$(msgfmt -o - "$po" | md5sum)" = "$(md5sum < "${po%.po}.mo")" ] || { echo "$po is newer than its .mo: run make messages"; exit 1; }
    done'
else
  summary+=("SKIPPED  translations compile (msgfmt not installed)")
fi

step "pytest on SQLite (with browser tests)" "$PY" -m pytest -q -p no:cacheprovider -n "$WORKERS"

if answers 127.0.0.1 5432; then
  extra=()
  if answers 127.0.0.1 6379; then
    export REDIS_URL=$REDIS_URL_TEST
    label="pytest on PostgreSQL with Redis cache"
  else
    label="pytest on PostgreSQL (Redis not answering on 127.0.0.1:6379: local cache)"
  fi
  step "$label" env DATABASE_URL="$PG_URL" "$PY" -m pytest -q -p no:cacheprovider -n "$WORKERS" -m "not e2e" "${extra[@]}"
  unset REDIS_URL
else
  summary+=("SKIPPED  pytest on PostgreSQL: nothing answers on 127.0.0.1:5432")
fi

# The scale-out test (issue 6): two app servers, two workers and the scheduler on the local
# PostgreSQL with a Redis of its own; one server and one worker are killed mid-workload.
if ! answers 127.0.0.1 5432; then
  summary+=("SKIPPED  cluster test: nothing answers on 127.0.0.1:5432")
elif ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  summary+=("SKIPPED  cluster test: redis-server / redis-cli not installed (apt-get install redis-server)")
else
  step "cluster test (2 app servers, 2 workers, SIGKILL, Redis restart)" "$PY" scripts/cluster_test.py
fi

echo
echo "==================== summary ===================="
printf '%s\n' "${summary[@]}"
[ "$failed" = 0 ] && echo "all checks passed" || echo "some checks FAILED"
exit $failed
