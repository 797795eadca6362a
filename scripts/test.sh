#!/usr/bin/env bash
# Run the whole test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set) and the linter.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
# One worker per core (pytest-xdist); each worker copies its own seeded template database.
exec .venv/bin/python -m pytest -q -n auto "$@"
