#!/usr/bin/env bash
# The whole suite: lint, types, tests. PostgreSQL when reachable (required with CI=true), else SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

reachable() { "$BIN/python" - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
PY
}

if [ -z "${DATABASE_URL:-}" ]; then
  if reachable 127.0.0.1 5432; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/nguon"
    echo "database: PostgreSQL at 127.0.0.1:5432"
  elif [ "${CI:-}" = "true" ]; then
    echo "CI=true but PostgreSQL is not reachable at 127.0.0.1:5432." >&2
    exit 1
  else
    echo "database: PostgreSQL not reachable at 127.0.0.1:5432 — running on SQLite instead"
  fi
fi
export NGUON_ENV=test
export NGUON_DATA_DIR="${NGUON_DATA_DIR:-$(mktemp -d -t nguon-test-XXXXXX)}"

echo "== ruff"; "$BIN/ruff" check .
echo "== mypy"; "$BIN/mypy" src
echo "== makemigrations --check"; DATABASE_URL="sqlite:///$NGUON_DATA_DIR/check.sqlite3" "$BIN/nguon" makemigrations --check --dry-run >/dev/null
echo "== pytest"; "$BIN/pytest" "$@"
