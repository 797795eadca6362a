#!/usr/bin/env bash
# Run the whole test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set) and the linter.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check --quiet .
exec .venv/bin/python -m pytest -q "$@"
