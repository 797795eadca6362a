#!/usr/bin/env bash
# Start the platform on SQLite (var/platform.db) with demo data; prints the demo logins.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export FLASK_APP=app
bash scripts/secret_key.sh   # the key that signs sessions and tokens: random, made once, kept in instance/
.venv/bin/flask db upgrade
.venv/bin/flask platform sync
.venv/bin/flask demo
.venv/bin/flask report certificate   # a self-signed certificate that signs settled forms (development)
# The job queue's worker (batch printing, recompute, registry import) runs beside the web server and
# stops with it.
mkdir -p var
.venv/bin/flask jobs worker > var/jobs-worker.log 2>&1 &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null; wait "$WORKER" 2>/dev/null' EXIT INT TERM
echo "后台任务执行进程已启动（日志 var/jobs-worker.log）。"
echo "打开 http://127.0.0.1:${PORT:-5000}/ ，按 Ctrl+C 停止。"
.venv/bin/flask run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
