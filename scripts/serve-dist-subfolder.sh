#!/usr/bin/env bash
# Serves the built dist/ at http://127.0.0.1:PORT/labbook/ with a plain static server and no
# rewrite rules, as a static host would: what the end-to-end tests and the benchmark open.
set -euo pipefail
port="${1:?usage: serve-dist-subfolder.sh PORT}"
root="$(cd "$(dirname "$0")/.." && pwd)"
site="$root/target/site"
mkdir -p "$site"
ln -sfn "$root/dist" "$site/labbook"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site"
