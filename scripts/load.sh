#!/usr/bin/env bash
# Load test: fresh SQLite demo database under var/load/, gunicorn, locust; prints the figures.
# Options go to `python -m loadtest` (--users 50 --seconds 60 --workers 2 --only rest-list, --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m loadtest "$@"
