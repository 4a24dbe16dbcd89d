# Sourced by scripts/run and scripts/test: make .venv with the pinned dependencies (idempotent, non-interactive).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"

if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "需要 Python 3.11 或更高版本（当前：$("$PY" --version 2>&1)）" >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.yingji-installed"
wanted="$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -c "$ROOT/constraints.txt" -e "$ROOT[dev]"
  echo "$wanted" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"

# The console's front-end packages: from the npm registry at setup, pinned by the lock file, served locally at run
# time (the deployment network is closed: nothing loads from a CDN).
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q </dev/null
  $sudo apt-get install -y -q --no-install-recommends "$@" </dev/null
}
WEB="$ROOT/src/yingji/web"
web_stamp="$WEB/node_modules/.yingji-installed"
web_wanted="$(sha256sum "$WEB/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$web_stamp" ] || [ "$(cat "$web_stamp")" != "$web_wanted" ]; then
  command -v npm >/dev/null || apt_install nodejs npm
  (cd "$WEB" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error </dev/null)
  echo "$web_wanted" > "$web_stamp"
fi
