#!/usr/bin/env bash
# Headless-browser check of the HTML reports (make test-browser).
# Installs Debian's chromium if /usr/bin/chromium is missing, then runs check_reports.py:
# every report and a throwaway report built from a malicious policy are opened in headless
# Chromium; images must load, nothing may fail or throw, and no injected script may run.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x /usr/bin/chromium ]; then
    echo "installing chromium (Debian package)"
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
PY=${PY:-.venv/bin/python}
if [ ! -f reports/index.html ]; then
    echo "error: reports/index.html missing; run 'make html' first" >&2
    exit 2
fi
exec "$PY" tests/browser/check_reports.py --chromium /usr/bin/chromium --reports reports "$@"
