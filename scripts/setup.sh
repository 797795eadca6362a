#!/usr/bin/env bash
# Create .venv (once) and install the pinned requirements into it; quiet when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "创建虚拟环境 .venv ..."
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "安装依赖 (requirements.txt) ..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
  # The platform itself, in place: its `flask` command plugins (criteria, backup) run without the app.
  .venv/bin/python -m pip install --quiet --no-deps --editable . --config-settings editable_mode=compat
  echo "$want" > "$stamp"
fi
