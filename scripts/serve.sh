#!/usr/bin/env bash
# Serve the portal: the huey worker (background jobs such as bulk printing) beside gunicorn.
# Both stop together. Usage: scripts/serve.sh HOST PORT WORKERS
set -euo pipefail
cd "$(dirname "$0")/.."
host=${1:-127.0.0.1}
port=${2:-5000}
workers=${3:-2}
.venv/bin/huey_consumer portal.tasks.huey --workers 1 --worker-type thread &
consumer=$!
trap 'kill "$consumer" 2>/dev/null || true' EXIT INT TERM
# A worker is replaced after about 500 requests: WeasyPrint's renders leave memory behind in a long-lived
# process, so recycling keeps each worker's resident memory bounded (bench/pdf.py prints it).
.venv/bin/gunicorn --bind "$host:$port" --workers "$workers" --max-requests 500 --max-requests-jitter 50 \
    --access-logfile - wsgi:app
