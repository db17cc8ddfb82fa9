#!/usr/bin/env bash
# `make test`: install what is missing, start the local PostgreSQL/Redis when needed,
# then run the checks:
#   ruff check . | ruff format --check . | manage.py makemigrations --check --dry-run | pytest
# Extra pytest arguments: scripts/test.sh ARGS... (make test ARGS=...) or PYTEST_ARGS.
# All checks run; the exit status is non-zero when any of them failed (pytest's own
# status when pytest failed; "no tests collected", status 5, counts as a failure).
# The services this script started are stopped at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

PY="$ROOT/.venv/bin/python"
RUFF="$ROOT/.venv/bin/ruff"

log() { printf '[test] %s\n' "$*" >&2 || true; }
die() {
    printf '[test] ERROR: %s\n' "$*" >&2
    exit 1
}

STARTED_FILE="$(mktemp "${TMPDIR:-/tmp}/assetmap-test.XXXXXX")"

cleanup() {
    local rc=$? started=()
    trap - EXIT
    # Neither a second Ctrl-C nor a closed output pipe (`make run | tee log`) may
    # interrupt the shutdown.
    trap '' INT TERM PIPE
    set +e
    if [ -s "$STARTED_FILE" ]; then
        mapfile -t started <"$STARTED_FILE"
        bash "$ROOT/scripts/services.sh" stop "${started[@]}" || true
    fi
    rm -f "$STARTED_FILE"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash "$ROOT/scripts/bootstrap.sh"
[ -f manage.py ] || die "manage.py not found in $ROOT"

# --auto-port: in CI another checkout's services may already hold the default ports.
bash "$ROOT/scripts/services.sh" start --record "$STARTED_FILE" --auto-port
eval "$(bash "$ROOT/scripts/services.sh" env)"
export PYTHONUNBUFFERED=1

FAILED=()
step() {
    local name="$1" rc=0
    shift
    log "==> $name"
    "$@" || rc=$?
    if [ "$rc" -ne 0 ]; then
        log "FAILED: $name (exit status $rc)"
        FAILED+=("$name")
    fi
    return "$rc"
}

step "ruff check" "$RUFF" check . || true
step "ruff format --check" "$RUFF" format --check . || true
step "makemigrations --check" "$PY" manage.py makemigrations --check --dry-run || true

pytest_args=()
if [ -n "${PYTEST_ARGS:-}" ]; then
    read -r -a pytest_args <<<"$PYTEST_ARGS"
fi
pytest_rc=0
step "pytest" "$PY" -m pytest "${pytest_args[@]}" "$@" || pytest_rc=$?
if [ "$pytest_rc" -eq 5 ]; then
    log "pytest collected no tests: this counts as a failure"
fi

if [ ${#FAILED[@]} -gt 0 ]; then
    log "FAILED: ${FAILED[*]}"
    if [ "$pytest_rc" -ne 0 ]; then
        exit "$pytest_rc"
    fi
    exit 1
fi
log "all checks passed"
