# Shared by scripts/demo, scripts/test and scripts/bench: make sure .venv exists and holds
# the project with its dependencies; reinstall only when pyproject.toml changed. Every step
# prints a line, and pip shows each package it collects and installs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() {
  echo "== $*"
}

find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "需要 Python 3.11 或更高版本（Python 3.11+ is required）" >&2
  return 1
}

# Debian's chromium and Noto CJK font for the browser tests, installed when missing; only
# as root on Debian (CI), never a browser downloaded by a test tool.
ensure_browser() {
  local missing=()
  for package in chromium fonts-noto-cjk; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    step "浏览器测试依赖已安装：chromium fonts-noto-cjk"
    return 0
  fi
  step "安装浏览器测试依赖：${missing[*]}（apt-get）"
  DEBIAN_FRONTEND=noninteractive apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

is_ci() {
  case "${CI:-}" in
    true | TRUE | True | 1 | yes) return 0 ;;
    *) return 1 ;;
  esac
}

can_apt() {
  [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1 &&
    command -v dpkg-query >/dev/null 2>&1
}

if [ ! -x .venv/bin/python ]; then
  step "创建虚拟环境 .venv（$(find_python)）"
  "$(find_python)" -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  step "安装依赖到 .venv：升级 pip"
  .venv/bin/python -m pip install --progress-bar off --upgrade pip
  step "安装依赖到 .venv：本项目及其依赖（.[dev]）"
  .venv/bin/python -m pip install --progress-bar off -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
  step "依赖已安装"
fi
export PATH="$ROOT/.venv/bin:$PATH"
export FLASK_APP=tracker
