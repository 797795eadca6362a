#!/usr/bin/env bash
# Rebuild static/vendor/codemirror/criteria-editor.js from scripts/editor/ (CodeMirror 6, MIT) with
# esbuild, from the npm registry. The bundle is committed: the platform serves it offline and needs
# no Node.js to run.
set -euo pipefail
cd "$(dirname "$0")/editor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp package.json criteria-editor.mjs schema-help.mjs "$work/"
(cd "$work" && npm install --no-audit --no-fund --silent)
"$work/node_modules/.bin/esbuild" "$work/criteria-editor.mjs" --bundle --minify --format=iife \
  --global-name=CriteriaEditor --legal-comments=eof --outfile=../../static/vendor/codemirror/criteria-editor.js
echo "built static/vendor/codemirror/criteria-editor.js"
