#!/usr/bin/env bash
# Make the key that signs sessions, CSRF tokens and API tokens, once: random, 64 characters,
# readable by its owner only, in the instance folder (PLATFORM_INSTANCE_DIR, default instance/),
# which is never committed. Nothing happens when SECRET_KEY is set or the key file exists.
set -euo pipefail
cd "$(dirname "$0")/.."
instance="${PLATFORM_INSTANCE_DIR:-instance}"
if [ -n "${SECRET_KEY:-}" ] || [ -s "$instance/secret_key" ]; then
  exit 0
fi
mkdir -p "$instance"
(umask 077 && "${PYTHON:-.venv/bin/python}" -c "import secrets; print(secrets.token_urlsafe(48))" > "$instance/secret_key")
echo "已生成会话签名密钥 $instance/secret_key（只保存在本机，勿提交到代码库）"
