#!/usr/bin/env bash
# `make run`: install what is missing, start the local PostgreSQL/Redis (unless
# DATABASE_URL / REDIS_URL are set), migrate, load the demo data when the database is
# empty, then serve http://127.0.0.1:$PORT (default 8000) with a Celery worker and
# Celery beat. Ctrl-C stops all of it, including the services this script started
# (services that were already running are left alone).
# shellcheck disable=SC2317  # functions used only from the EXIT trap
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

HOST=127.0.0.1
PORT="${PORT:-8000}"
PY="$ROOT/.venv/bin/python"
CELERY="$ROOT/.venv/bin/celery"

log() { printf '[run] %s\n' "$*" >&2 || true; }
die() {
    printf '[run] ERROR: %s\n' "$*" >&2
    exit 1
}

[[ $PORT =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$PORT'"

# shellcheck disable=SC2016  # $0/$1 are expanded by the inner bash
port_in_use() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null; }

# Is any live (non-zombie) process left in process group $1?
group_alive() {
    local f line rest state pgrp
    for f in /proc/[0-9]*/stat; do
        read -r line 2>/dev/null <"$f" || continue
        rest="${line##*) }"
        read -r state _ pgrp _ <<<"$rest"
        if [ "$pgrp" = "$1" ] && [ "$state" != Z ]; then
            return 0
        fi
    done
    return 1
}

any_group_alive() {
    local g
    for g in "${PGIDS[@]}"; do
        group_alive "$g" && return 0
    done
    return 1
}

signal_groups() {
    local g
    for g in "${PGIDS[@]}"; do
        kill "-$1" -- "-$g" 2>/dev/null || true
    done
}

wait_groups() {
    local deadline=$((SECONDS + $1))
    while any_group_alive; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

STARTED_FILE="$(mktemp "${TMPDIR:-/tmp}/assetmap-run.XXXXXX")"
PGIDS=()
declare -A NAMES=()

cleanup() {
    local rc=$? started=()
    trap - EXIT
    # Neither a second Ctrl-C nor a closed output pipe (`make run | tee log`) may
    # interrupt the shutdown.
    trap '' INT TERM PIPE
    set +e
    if [ ${#PGIDS[@]} -gt 0 ]; then
        log "stopping web, worker and beat ..."
        # Each process runs in its own session/process group (setsid), so this also
        # reaches runserver's autoreloader child and the Celery pool processes.
        # SIGTERM, not SIGINT: background jobs of a script start with SIGINT ignored.
        # Celery does a warm shutdown on SIGTERM (running tasks finish first).
        signal_groups TERM
        if ! wait_groups 20; then
            log "still running after 20s; killing"
            signal_groups KILL
            wait_groups 5 || true
        fi
        wait 2>/dev/null || true
    fi
    if [ -s "$STARTED_FILE" ]; then
        mapfile -t started <"$STARTED_FILE"
        bash "$ROOT/scripts/services.sh" stop "${started[@]}" || rc=1
    fi
    rm -f "$STARTED_FILE"
    log "stopped"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash "$ROOT/scripts/bootstrap.sh"
[ -f manage.py ] || die "manage.py not found in $ROOT"

if port_in_use "$PORT"; then
    die "$HOST:$PORT is already in use; stop that program or pick another port: make run PORT=8001"
fi

bash "$ROOT/scripts/services.sh" start --record "$STARTED_FILE"
eval "$(bash "$ROOT/scripts/services.sh" env)"
export PYTHONUNBUFFERED=1

log "applying migrations ..."
"$PY" manage.py migrate --noinput
log "loading demo data (only if the database is empty) ..."
"$PY" manage.py load_demo --if-empty

# setsid: own session and process group per process, so Ctrl-C in the terminal
# reaches only this script, which then shuts everything down in order.
start_proc() {
    local name="$1" pid
    shift
    setsid "$@" </dev/null &
    pid=$!
    PGIDS+=("$pid")
    NAMES[$pid]="$name"
    log "started $name (pid $pid)"
}

start_proc web "$PY" manage.py runserver "$HOST:$PORT"
start_proc worker "$CELERY" -A assetmap worker --concurrency 2 --loglevel INFO
start_proc beat "$CELERY" -A assetmap beat --loglevel INFO --schedule "$ROOT/.local/celerybeat-schedule"

deadline=$((SECONDS + 60))
until port_in_use "$PORT"; do
    group_alive "${PGIDS[0]}" || die "the web server exited during start-up (see the output above)"
    [ "$SECONDS" -lt "$deadline" ] || die "the web server did not listen on $HOST:$PORT within 60s"
    sleep 0.5
done

cat <<EOF

======================================================================
  Assetmap is running:  http://$HOST:$PORT/
  (web server, Celery worker and Celery beat; press Ctrl-C to stop all)
======================================================================
EOF
"$PY" manage.py demo_accounts --site-url "http://$HOST:$PORT" || log "warning: 'manage.py demo_accounts' failed"
echo

# Run until Ctrl-C (trap above) or until one of the processes exits.
status=0
wait -n "${PGIDS[@]}" || status=$?
for pid in "${PGIDS[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
        log "${NAMES[$pid]} exited (status $status); stopping everything"
        break
    fi
done
[ "$status" -ne 0 ] || status=1
exit "$status"
