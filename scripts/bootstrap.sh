#!/usr/bin/env bash
# Install whatever Assetmap needs and is missing:
#   1. Debian/Ubuntu packages (apt-get; through sudo when not root),
#   2. the virtualenv .venv (python3 >= 3.11, the first python3 on PATH),
#   3. requirements.txt into .venv (again only when requirements.txt changed),
#   4. a local-development .env (DEBUG=true, random SECRET_KEY) when there is none,
#      so manage.py works with no environment set (the settings read .env).
#
# Usage: scripts/bootstrap.sh [--no-system]
#   --no-system / ASSETMAP_SKIP_APT=1  skip the system package check
#   ASSETMAP_PYTHON=/path/to/python3   interpreter used to create .venv
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

VENV="$ROOT/.venv"
STAMP="$VENV/.requirements.sha256"
SKIP_APT="${ASSETMAP_SKIP_APT:-0}"

# Needed by `make run` / `make test`.
REQUIRED_PACKAGES=(
    postgresql postgresql-contrib postgis # + postgresql-<ver>-postgis-3, see below
    redis-server redis-tools
    gdal-bin # GeoDjango: libgdal, libgeos, libproj
    python3-venv make gettext
)
# Browser tests; not fatal when the distribution has no such package.
OPTIONAL_PACKAGES=(chromium fonts-noto-core)

log() { printf '[bootstrap] %s\n' "$*" >&2 || true; }
die() {
    printf '[bootstrap] ERROR: %s\n' "$*" >&2
    exit 1
}

for arg in "$@"; do
    case "$arg" in
    --no-system) SKIP_APT=1 ;;
    -h | --help)
        sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown option: $arg" ;;
    esac
done

# ---------------------------------------------------------------- system packages

pkg_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

missing_of() {
    local p
    for p in "$@"; do
        pkg_installed "$p" || printf '%s\n' "$p"
    done
}

# Highest PostgreSQL server version installed (e.g. 15), empty if none.
pg_server_version() {
    local dir
    for dir in /usr/lib/postgresql/*/bin/pg_ctl; do
        [ -x "$dir" ] || continue
        dir="${dir#/usr/lib/postgresql/}"
        printf '%s\n' "${dir%%/*}"
    done | sort -V | tail -n 1
}

APT_UPDATED=0
SUDO=()

apt_prepare() {
    command -v apt-get >/dev/null 2>&1 ||
        die "missing system packages ($*) and apt-get is not available; install their equivalents by hand"
    if [ "$(id -u)" -ne 0 ] && [ ${#SUDO[@]} -eq 0 ]; then
        command -v sudo >/dev/null 2>&1 ||
            die "missing system packages and no sudo; as root run: apt-get install $*"
        SUDO=(sudo)
    fi
    if [ "$APT_UPDATED" -eq 0 ]; then
        log "apt-get update ..."
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get -q -o DPkg::Lock::Timeout=300 update ||
            log "warning: apt-get update failed; trying to install anyway"
        APT_UPDATED=1
    fi
}

apt_install() {
    log "installing system packages: $*"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -y -q -o DPkg::Lock::Timeout=300 \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        install --no-install-recommends "$@"
}

ensure_system_packages() {
    local missing=() optional=() ver
    if ! command -v dpkg-query >/dev/null 2>&1; then
        log "warning: not a Debian/Ubuntu system (no dpkg-query); make sure PostgreSQL+PostGIS, Redis, GDAL and python3-venv are installed"
        return 0
    fi
    mapfile -t missing < <(missing_of "${REQUIRED_PACKAGES[@]}")
    ver="$(pg_server_version)"
    if [ -n "$ver" ]; then
        mapfile -t -O "${#missing[@]}" missing < <(missing_of "postgresql-$ver-postgis-3")
    fi
    mapfile -t optional < <(missing_of "${OPTIONAL_PACKAGES[@]}")

    if [ ${#missing[@]} -gt 0 ]; then
        apt_prepare "${missing[@]}" "${optional[@]}"
        apt_install "${missing[@]}" || die "apt-get install failed for: ${missing[*]}"
    fi
    # PostGIS for the server version that is installed now (Debian 12: postgresql-15-postgis-3).
    ver="$(pg_server_version)"
    [ -n "$ver" ] || die "no PostgreSQL server found in /usr/lib/postgresql/*/bin after installing postgresql"
    mapfile -t missing < <(missing_of "postgresql-$ver-postgis-3")
    if [ ${#missing[@]} -gt 0 ]; then
        apt_prepare "${missing[@]}"
        apt_install "${missing[@]}" || die "apt-get install failed for: ${missing[*]}"
    fi
    if [ ${#optional[@]} -gt 0 ]; then
        apt_prepare "${optional[@]}"
        apt_install "${optional[@]}" ||
            log "warning: could not install ${optional[*]} (only browser tests need them)"
    fi
    log "system packages OK (PostgreSQL $ver with PostGIS, Redis, GDAL)"
}

# ---------------------------------------------------------------- Python

py_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

find_python() {
    local cand
    for cand in "${ASSETMAP_PYTHON:-}" python3 python3.13 python3.12 python3.11; do
        [ -n "$cand" ] || continue
        command -v "$cand" >/dev/null 2>&1 || continue
        if py_ok "$cand"; then
            printf '%s\n' "$cand"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    local py
    if [ -x "$VENV/bin/python" ] && py_ok "$VENV/bin/python" &&
        "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        return 0
    fi
    if [ -e "$VENV" ]; then
        log "existing .venv is broken or older than Python 3.11; recreating it"
        rm -rf "$VENV"
    fi
    py="$(find_python)" ||
        die "Python >= 3.11 is required, found $(python3 --version 2>&1 || echo 'no python3'); install it (or set ASSETMAP_PYTHON)"
    log "creating .venv with $(command -v "$py") ($("$py" --version 2>&1))"
    "$py" -m venv "$VENV" ||
        die "'$py -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)"
}

ensure_requirements() {
    local want have=""
    [ -f requirements.txt ] || die "requirements.txt not found in $ROOT"
    want="$(sha256sum requirements.txt | cut -d' ' -f1)"
    [ -f "$STAMP" ] && have="$(cat "$STAMP")"
    if [ "$want" = "$have" ]; then
        log "Python requirements up to date"
        return 0
    fi
    log "installing Python requirements into .venv ..."
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
        -r requirements.txt || die "pip install -r requirements.txt failed"
    printf '%s\n' "$want" >"$STAMP"
}

ensure_dotenv() {
    local key
    if [ -n "${ENV_FILE+x}" ] || [ -e .env ]; then
        return 0
    fi
    key="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
    (
        umask 077
        cat >.env <<EOF
# Local development settings, written by scripts/bootstrap.sh because there was no .env.
# Git-ignored; .env.example documents every variable. Never use these in production.
DEBUG=true
SECRET_KEY=$key
EOF
    )
    log "wrote .env for local development (DEBUG=true, random SECRET_KEY)"
}

if [ "$SKIP_APT" = 1 ]; then
    log "skipping system packages (ASSETMAP_SKIP_APT=1 / --no-system)"
else
    ensure_system_packages
fi
ensure_venv
ensure_requirements
ensure_dotenv
