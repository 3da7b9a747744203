# Sourced by the other scripts: makes .venv with a Python >= 3.11 and installs the project into it.
# usage: . scripts/venv.sh [extras]
set -euo pipefail
find_python() {
    for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "Huikuan needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
    return 1
}
if [ ! -x .venv/bin/python ]; then
    "$(find_python)" -m venv .venv
fi
extras="${1:-}"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
# xstatic-bootstrap is published as a source package whose setup still imports pkg_resources,
# which newer setuptools no longer has: its build gets an older setuptools.
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    --build-constraint scripts/build-constraints.txt -e ".${extras:+[$extras]}"
# Compiled translations are built here, not committed.
.venv/bin/pybabel compile -d huikuan/locale -D django >/dev/null
