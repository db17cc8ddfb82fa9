#!/usr/bin/env bash
# Project-local PostgreSQL (+PostGIS) and Redis for Assetmap.
#
# Usage:
#   scripts/services.sh start [--record FILE] [--auto-port]
#   scripts/services.sh stop [postgres] [redis]     (default: both)
#   scripts/services.sh status
#   scripts/services.sh env                         (prints `export ...` lines)
#   scripts/services.sh clean                       (stop, then delete all local data)
#
# A service is only managed here when it is not configured externally:
# DATABASE_URL set (to anything but the local URL) -> no PostgreSQL,
# REDIS_URL set (likewise) -> no Redis.
#
# Environment (each also read from .env / $ENV_FILE when not in the environment, as
# the Django settings do, for DATABASE_URL, REDIS_URL and the two ports):
#   ASSETMAP_PG_PORT        PostgreSQL port on 127.0.0.1 (default 54329)
#   ASSETMAP_REDIS_PORT     Redis port on 127.0.0.1 (default 63799)
#   ASSETMAP_PGDATA         PostgreSQL data directory (default .local/pgdata, see below)
#   ASSETMAP_SERVICE_TIMEOUT seconds to wait for a service (default 60)
#
# --record FILE  appends the name of every service this invocation started
#                ("postgres", "redis") to FILE, so the caller can stop exactly those.
# --auto-port    if a port was not set explicitly and is taken by another program,
#                use the next free one instead of failing (used by scripts/test.sh).
#
# Runtime data lives in .local/ (git-ignored). When run as root, PostgreSQL runs as
# the unprivileged `postgres` system user (initdb refuses root); if that user cannot
# reach .local/ (e.g. the repository is under a 0700 home directory), the data
# directory is /var/lib/assetmap/<hash of the repository path> instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
LOCAL_DIR="$ROOT/.local"
LOG_DIR="$LOCAL_DIR/log"
RUN_DIR="$LOCAL_DIR/run"
REDIS_DIR="$LOCAL_DIR/redis"
REDIS_PIDFILE="$RUN_DIR/redis.pid"
REDIS_PORTFILE="$RUN_DIR/redis.port"
PG_LOG="$LOG_DIR/postgresql.log"
REDIS_LOG="$LOG_DIR/redis.log"
FALLBACK_BASE=/var/lib/assetmap

# Value of KEY in the .env file the Django settings read (ENV_FILE, default .env;
# ENV_FILE="" means none). Like django-environ with overwrite=False: the first
# occurrence wins, and the caller only uses it when the environment lacks KEY.
dotenv_get() {
    local file="${ENV_FILE-$ROOT/.env}" line value
    [ -n "$file" ] || return 1
    case "$file" in /*) ;; *) file="$ROOT/$file" ;; esac
    [ -r "$file" ] || return 1
    while IFS= read -r line || [ -n "$line" ]; do
        line="${line#"${line%%[![:space:]]*}"}"
        line="${line#export }"
        [[ $line == "$1="* ]] || continue
        value="${line#*=}"
        value="${value%"${value##*[![:space:]]}"}"
        if [[ $value =~ ^\"(.*)\"$ ]] || [[ $value =~ ^\'(.*)\'$ ]]; then
            value="${BASH_REMATCH[1]}"
        fi
        printf '%s' "$value"
        return 0
    done <"$file"
    return 1
}

for _key in DATABASE_URL REDIS_URL ASSETMAP_PG_PORT ASSETMAP_REDIS_PORT; do
    if [ -z "${!_key+x}" ] && _value="$(dotenv_get "$_key")"; then
        printf -v "$_key" '%s' "$_value"
    fi
done
unset _key _value

DEFAULT_PG_PORT=54329
DEFAULT_REDIS_PORT=63799
PG_PORT="${ASSETMAP_PG_PORT:-$DEFAULT_PG_PORT}"
REDIS_PORT="${ASSETMAP_REDIS_PORT:-$DEFAULT_REDIS_PORT}"
PG_PORT_EXPLICIT=0
REDIS_PORT_EXPLICIT=0
[ -n "${ASSETMAP_PG_PORT:-}" ] && PG_PORT_EXPLICIT=1
[ -n "${ASSETMAP_REDIS_PORT:-}" ] && REDIS_PORT_EXPLICIT=1
DB_NAME=assetmap
DB_USER=assetmap
DB_PASSWORD=assetmap
TIMEOUT="${ASSETMAP_SERVICE_TIMEOUT:-60}"

RECORD_FILE=""
AUTO_PORT=0
IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

# Filled in by pg_layout / pg_find_bin.
PG_USER=""
PGDATA_DIR=""
PG_FALLBACK=0
PG_BIN=""

log() { printf '[services] %s\n' "$*" >&2 || true; }
die() {
    printf '[services] ERROR: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------- helpers

local_db_url() { printf 'postgis://%s:%s@127.0.0.1:%s/%s' "$DB_USER" "$DB_PASSWORD" "$1" "$DB_NAME"; }
local_redis_url() { printf 'redis://127.0.0.1:%s/0' "$1"; }

# DATABASE_URL / REDIS_URL count as "external" unless they are exactly the local URL.
pg_external() { [ -n "${DATABASE_URL:-}" ] && [ "$DATABASE_URL" != "$(local_db_url "$PG_PORT")" ]; }
redis_external() { [ -n "${REDIS_URL:-}" ] && [ "$REDIS_URL" != "$(local_redis_url "$REDIS_PORT")" ]; }

valid_port() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

# Something accepts TCP connections on 127.0.0.1:$1?
port_in_use() {
    # shellcheck disable=SC2016  # $0 is expanded by the inner bash
    timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

free_port_after() {
    local p
    for ((p = $1 + 1; p <= $1 + 100 && p <= 65535; p++)); do
        if ! port_in_use "$p"; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# Alive and not a zombie.
proc_alive() {
    local stat rest
    [ -r "/proc/$1/stat" ] || return 1
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    rest="${stat##*) }"
    [ "${rest%% *}" != "Z" ]
}

record() {
    if [ -n "$RECORD_FILE" ]; then
        printf '%s\n' "$1" >>"$RECORD_FILE"
    fi
}

ensure_local_dirs() {
    if [ ! -d "$LOCAL_DIR" ]; then
        install -d -m 0755 "$LOCAL_DIR"
    fi
    mkdir -p "$LOG_DIR" "$RUN_DIR" "$REDIS_DIR"
}

# Serialise start/stop/clean of concurrent invocations.
take_lock() {
    ensure_local_dirs
    exec 9>>"$RUN_DIR/services.lock"
    if command -v flock >/dev/null 2>&1; then
        flock -w 300 9 || die "timed out waiting for another scripts/services.sh to finish"
    fi
}

# ---------------------------------------------------------------- PostgreSQL

fallback_dir() {
    local hash
    hash="$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
    printf '%s/%s' "$FALLBACK_BASE" "$hash"
}

# Decide who runs PostgreSQL and where its data directory is.
pg_layout() {
    [ -n "$PG_USER" ] && return 0
    if [ "$IS_ROOT" -eq 1 ]; then
        PG_USER=postgres
        getent passwd "$PG_USER" >/dev/null ||
            die "system user '$PG_USER' not found; install PostgreSQL first (scripts/bootstrap.sh)"
    else
        PG_USER="$(id -un)"
    fi
    if [ -n "${ASSETMAP_PGDATA:-}" ]; then
        PGDATA_DIR="$ASSETMAP_PGDATA"
        return 0
    fi
    PGDATA_DIR="$LOCAL_DIR/pgdata"
    if [ "$IS_ROOT" -eq 1 ]; then
        ensure_local_dirs
        if ! (cd / && runuser -u "$PG_USER" -- test -x "$LOCAL_DIR") 2>/dev/null; then
            PGDATA_DIR="$(fallback_dir)"
            PG_FALLBACK=1
        fi
    fi
}

# As the PostgreSQL user, from /, with a locale that always exists, and without the
# lock file descriptor (a daemon inheriting it would hold the lock forever).
as_pg() {
    if [ "$IS_ROOT" -eq 1 ]; then
        (cd / && exec 9>&- && runuser -u "$PG_USER" -- env LC_ALL=C.UTF-8 LANG=C.UTF-8 "$@")
    else
        (cd / && exec 9>&- && env LC_ALL=C.UTF-8 LANG=C.UTF-8 "$@")
    fi
}

pg_version_of_data() {
    if [ -f "$PGDATA_DIR/PG_VERSION" ]; then
        tr -d '[:space:]' <"$PGDATA_DIR/PG_VERSION"
    fi
}

# Binaries of the data directory's version, else the highest installed version.
pg_find_bin() {
    [ -n "$PG_BIN" ] && return 0
    local want dir best=""
    want="$(pg_version_of_data)"
    if [ -n "$want" ]; then
        [ -x "/usr/lib/postgresql/$want/bin/pg_ctl" ] ||
            die "$PGDATA_DIR was created by PostgreSQL $want, whose binaries are not installed (/usr/lib/postgresql/$want/bin). Install postgresql-$want, or remove the data with 'make clean-data'."
        PG_BIN="/usr/lib/postgresql/$want/bin"
        return 0
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/pg_ctl" ] || continue
        best="$(printf '%s\n%s\n' "$best" "$dir" | sed '/^$/d' | sort -V | tail -n 1)"
    done
    [ -n "$best" ] || die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin; run scripts/bootstrap.sh"
    PG_BIN="$best"
}

pg_running() {
    [ -f "$PGDATA_DIR/PG_VERSION" ] || return 1
    as_pg "$PG_BIN/pg_ctl" status -D "$PGDATA_DIR" >/dev/null 2>&1
}

pg_running_port() { sed -n '4p' "$PGDATA_DIR/postmaster.pid" 2>/dev/null | tr -d '[:space:]'; }
pg_running_pid() { sed -n '1p' "$PGDATA_DIR/postmaster.pid" 2>/dev/null | tr -d '[:space:]'; }

psql_local() {
    PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" "$@"
}

pg_init() {
    local tmp pwfile ver
    tmp="$PGDATA_DIR.init"
    ver="$("$PG_BIN/pg_ctl" --version | awk '{print $3}')"
    if [ "$PG_FALLBACK" -eq 1 ]; then
        log "NOTE: user '$PG_USER' cannot reach $LOCAL_DIR (a parent directory is not"
        log "      traversable), so the database is kept in $PGDATA_DIR instead."
    fi
    log "initialising a new PostgreSQL $ver cluster in $PGDATA_DIR ..."
    if [ -e "$PGDATA_DIR" ]; then
        # No PG_VERSION: an interrupted earlier attempt, never a usable cluster.
        log "removing incomplete data directory $PGDATA_DIR"
        rm -rf "$PGDATA_DIR"
    fi
    rm -rf "$tmp"
    mkdir -p "$(dirname "$PGDATA_DIR")"
    if [ "$IS_ROOT" -eq 1 ]; then
        install -d -o "$PG_USER" -g "$(id -gn "$PG_USER")" -m 0700 "$tmp"
    else
        install -d -m 0700 "$tmp"
    fi
    pwfile="$(mktemp)"
    printf '%s\n' "$DB_PASSWORD" >"$pwfile"
    [ "$IS_ROOT" -eq 1 ] && chown "$PG_USER" "$pwfile"
    # The bootstrap superuser is `assetmap` itself (pytest-django needs SUPERUSER to
    # create test_assetmap with the postgis extension).
    if ! as_pg "$PG_BIN/initdb" -D "$tmp" -U "$DB_USER" --pwfile="$pwfile" \
        -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >>"$PG_LOG" 2>&1; then
        rm -f "$pwfile"
        tail -n 20 "$PG_LOG" >&2 || true
        die "initdb failed (full log: $PG_LOG)"
    fi
    rm -f "$pwfile"
    cat >>"$tmp/postgresql.conf" <<'EOF'

# ---- Assetmap development cluster (written by scripts/services.sh) ----
# The port is given on the command line (ASSETMAP_PG_PORT, default 54329).
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
EOF
    cat >"$tmp/pg_hba.conf" <<'EOF'
# Assetmap development cluster (written by scripts/services.sh).
# TCP on loopback only, password (SCRAM) authentication; no unix sockets.
# TYPE  DATABASE        USER            ADDRESS                 METHOD
host    all             all             127.0.0.1/32            scram-sha-256
host    all             all             ::1/128                 scram-sha-256
host    replication     all             127.0.0.1/32            scram-sha-256
EOF
    mv "$tmp" "$PGDATA_DIR"
}

pg_wait_ready() {
    local deadline=$((SECONDS + TIMEOUT))
    until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres -U "$DB_USER"; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            tail -n 20 "$PG_LOG" >&2 || true
            die "PostgreSQL did not become ready on 127.0.0.1:$PG_PORT within ${TIMEOUT}s (log: $PG_LOG)"
        fi
        sleep 0.5
    done
}

pg_ensure_db() {
    # CREATE DATABASE cannot run inside DO/functions; \gexec runs it only when missing.
    psql_local -d postgres >/dev/null <<EOF || die "could not create database $DB_NAME"
SELECT format('CREATE DATABASE %I OWNER %I', '$DB_NAME', '$DB_USER')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')
\gexec
EOF
    psql_local -d "$DB_NAME" >/dev/null <<'EOF' || die "could not create the postgis/pg_trgm extensions"
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
EOF
}

pg_start() {
    local running_port new_port
    if pg_external; then
        log "PostgreSQL: DATABASE_URL is set, not starting a local server"
        return 0
    fi
    valid_port "$PG_PORT" || die "invalid ASSETMAP_PG_PORT: $PG_PORT"
    pg_layout
    pg_find_bin
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        pg_init
    elif [ "$PG_FALLBACK" -eq 1 ]; then
        log "PostgreSQL data directory: $PGDATA_DIR ('$PG_USER' cannot reach $LOCAL_DIR)"
    fi

    if pg_running; then
        running_port="$(pg_running_port)"
        if [ -n "$running_port" ] && [ "$running_port" != "$PG_PORT" ]; then
            if [ "$PG_PORT_EXPLICIT" -eq 1 ]; then
                die "our PostgreSQL ($PGDATA_DIR) is already running on port $running_port, not $PG_PORT; stop it first ('make stop') or use ASSETMAP_PG_PORT=$running_port"
            fi
            PG_PORT="$running_port"
        fi
        log "PostgreSQL already running on 127.0.0.1:$PG_PORT (pid $(pg_running_pid), data $PGDATA_DIR)"
    else
        if port_in_use "$PG_PORT"; then
            if [ "$AUTO_PORT" -eq 1 ] && [ "$PG_PORT_EXPLICIT" -eq 0 ]; then
                new_port="$(free_port_after "$PG_PORT")" || die "no free port found after $PG_PORT"
                log "port $PG_PORT is taken by another program; using $new_port for PostgreSQL"
                PG_PORT="$new_port"
            else
                die "127.0.0.1:$PG_PORT is already in use by another program (not our PostgreSQL in $PGDATA_DIR). Stop that program, choose another port (ASSETMAP_PG_PORT=...), or point DATABASE_URL at an existing PostGIS database."
            fi
        fi
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT (data $PGDATA_DIR, log $PG_LOG) ..."
        printf '\n==== %s starting on port %s\n' "$(date '+%F %T')" "$PG_PORT" >>"$PG_LOG"
        if ! as_pg "$PG_BIN/pg_ctl" start -D "$PGDATA_DIR" -w -t "$TIMEOUT" \
            -o "-p $PG_PORT" >>"$PG_LOG" 2>&1 </dev/null; then
            tail -n 20 "$PG_LOG" >&2 || true
            die "PostgreSQL failed to start (log: $PG_LOG)"
        fi
        record postgres
    fi
    pg_wait_ready
    pg_ensure_db
    log "PostgreSQL ready: $(local_db_url "$PG_PORT")"
}

pg_stop() {
    pg_layout
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        log "PostgreSQL: no local cluster ($PGDATA_DIR)"
        return 0
    fi
    pg_find_bin
    if ! pg_running; then
        log "PostgreSQL: not running"
        return 0
    fi
    log "stopping PostgreSQL (port $(pg_running_port)) ..."
    if ! as_pg "$PG_BIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w -t "$TIMEOUT" >>"$PG_LOG" 2>&1; then
        log "fast shutdown timed out; forcing immediate shutdown"
        as_pg "$PG_BIN/pg_ctl" stop -D "$PGDATA_DIR" -m immediate -w -t "$TIMEOUT" >>"$PG_LOG" 2>&1 ||
            die "could not stop PostgreSQL (log: $PG_LOG)"
    fi
    log "PostgreSQL stopped"
}

pg_status() {
    if pg_external; then
        echo "postgres: external (DATABASE_URL is set)"
        return 0
    fi
    pg_layout
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        echo "postgres: not initialised (data dir $PGDATA_DIR)"
        return 1
    fi
    pg_find_bin
    if pg_running; then
        echo "postgres: running on 127.0.0.1:$(pg_running_port) (pid $(pg_running_pid), data $PGDATA_DIR)"
    else
        echo "postgres: stopped (data $PGDATA_DIR)"
        return 1
    fi
}

# ---------------------------------------------------------------- Redis

# Prints the pid of our running redis-server, if any.
redis_pid() {
    local pid comm
    [ -f "$REDIS_PIDFILE" ] || return 1
    pid="$(tr -d '[:space:]' <"$REDIS_PIDFILE")"
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    proc_alive "$pid" || return 1
    comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
    [[ $comm == redis* ]] || return 1
    echo "$pid"
}

redis_ping() {
    [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = "PONG" ]
}

redis_start() {
    local pid running_port new_port deadline started_at
    if redis_external; then
        log "Redis: REDIS_URL is set, not starting a local server"
        return 0
    fi
    valid_port "$REDIS_PORT" || die "invalid ASSETMAP_REDIS_PORT: $REDIS_PORT"
    command -v redis-server >/dev/null || die "redis-server not found; run scripts/bootstrap.sh"
    command -v redis-cli >/dev/null || die "redis-cli not found; run scripts/bootstrap.sh"
    if pid="$(redis_pid)"; then
        running_port="$(tr -d '[:space:]' <"$REDIS_PORTFILE" 2>/dev/null || true)"
        if [ -n "$running_port" ] && [ "$running_port" != "$REDIS_PORT" ]; then
            if [ "$REDIS_PORT_EXPLICIT" -eq 1 ]; then
                die "our Redis (pid $pid) is already running on port $running_port, not $REDIS_PORT; stop it first ('make stop') or use ASSETMAP_REDIS_PORT=$running_port"
            fi
            REDIS_PORT="$running_port"
        fi
        redis_ping "$REDIS_PORT" || die "our Redis (pid $pid) does not answer on 127.0.0.1:$REDIS_PORT (log: $REDIS_LOG)"
        log "Redis already running on 127.0.0.1:$REDIS_PORT (pid $pid)"
        return 0
    fi
    rm -f "$REDIS_PIDFILE" "$REDIS_PORTFILE"
    if port_in_use "$REDIS_PORT"; then
        if [ "$AUTO_PORT" -eq 1 ] && [ "$REDIS_PORT_EXPLICIT" -eq 0 ]; then
            new_port="$(free_port_after "$REDIS_PORT")" || die "no free port found after $REDIS_PORT"
            log "port $REDIS_PORT is taken by another program; using $new_port for Redis"
            REDIS_PORT="$new_port"
        else
            die "127.0.0.1:$REDIS_PORT is already in use by another program (not our Redis). Stop that program, choose another port (ASSETMAP_REDIS_PORT=...), or point REDIS_URL at an existing Redis."
        fi
    fi
    log "starting Redis on 127.0.0.1:$REDIS_PORT (dir $REDIS_DIR, log $REDIS_LOG) ..."
    # shellcheck disable=SC2094  # redis writes its log itself once daemonised
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes \
        --dir "$REDIS_DIR" --daemonize yes --pidfile "$REDIS_PIDFILE" \
        --logfile "$REDIS_LOG" </dev/null >>"$REDIS_LOG" 2>&1 9>&- ||
        die "redis-server failed to start (log: $REDIS_LOG)"
    printf '%s\n' "$REDIS_PORT" >"$REDIS_PORTFILE"
    record redis
    started_at=$SECONDS
    deadline=$((SECONDS + TIMEOUT))
    until redis_ping "$REDIS_PORT"; do
        # The daemon writes its pid file only after it managed to listen.
        if [ "$SECONDS" -ge "$deadline" ] ||
            { [ $((SECONDS - started_at)) -ge 5 ] && ! redis_pid >/dev/null; }; then
            tail -n 20 "$REDIS_LOG" >&2 || true
            die "Redis did not become ready on 127.0.0.1:$REDIS_PORT (log: $REDIS_LOG)"
        fi
        sleep 0.2
    done
    log "Redis ready: $(local_redis_url "$REDIS_PORT")"
}

redis_stop() {
    local pid deadline
    if ! pid="$(redis_pid)"; then
        log "Redis: not running"
        rm -f "$REDIS_PIDFILE" "$REDIS_PORTFILE"
        return 0
    fi
    log "stopping Redis (pid $pid) ..."
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + TIMEOUT))
    while proc_alive "$pid"; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            log "Redis did not stop within ${TIMEOUT}s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
    rm -f "$REDIS_PIDFILE" "$REDIS_PORTFILE"
    log "Redis stopped"
}

redis_status() {
    local pid
    if redis_external; then
        echo "redis: external (REDIS_URL is set)"
        return 0
    fi
    if pid="$(redis_pid)"; then
        echo "redis: running on 127.0.0.1:$(cat "$REDIS_PORTFILE" 2>/dev/null || echo '?') (pid $pid, dir $REDIS_DIR)"
    else
        echo "redis: stopped"
        return 1
    fi
}

# ---------------------------------------------------------------- commands

cmd_start() {
    while [ $# -gt 0 ]; do
        case "$1" in
        --record)
            [ $# -ge 2 ] || die "--record needs a file"
            RECORD_FILE="$2"
            shift 2
            ;;
        --record=*)
            RECORD_FILE="${1#--record=}"
            shift
            ;;
        --auto-port)
            AUTO_PORT=1
            shift
            ;;
        *) die "unknown option for start: $1" ;;
        esac
    done
    take_lock
    pg_start
    redis_start
}

cmd_stop() {
    local what=("$@") s
    [ ${#what[@]} -gt 0 ] || what=(postgres redis)
    take_lock
    for s in "${what[@]}"; do
        case "$s" in
        postgres | postgresql | pg) pg_stop ;;
        redis) redis_stop ;;
        *) die "unknown service: $s (expected postgres or redis)" ;;
        esac
    done
}

cmd_status() {
    local rc=0
    pg_status || rc=3
    redis_status || rc=3
    return "$rc"
}

# Prints `export` lines for the URLs the Django processes should use: the port our
# running server actually listens on, else the configured one.
cmd_env() {
    local port
    if ! pg_external; then
        port="$PG_PORT"
        if [ "$PG_PORT_EXPLICIT" -eq 0 ]; then
            pg_layout
            if [ -f "$PGDATA_DIR/PG_VERSION" ]; then
                pg_find_bin
                if pg_running; then
                    port="$(pg_running_port)"
                    [ -n "$port" ] || port="$PG_PORT"
                fi
            fi
        fi
        printf 'export DATABASE_URL=%q\n' "$(local_db_url "$port")"
    fi
    if ! redis_external; then
        port="$REDIS_PORT"
        if [ "$REDIS_PORT_EXPLICIT" -eq 0 ] && redis_pid >/dev/null && [ -s "$REDIS_PORTFILE" ]; then
            port="$(tr -d '[:space:]' <"$REDIS_PORTFILE")"
        fi
        printf 'export REDIS_URL=%q\n' "$(local_redis_url "$port")"
    fi
}

cmd_clean() {
    local fb
    cmd_stop postgres redis
    log "removing $LOCAL_DIR"
    rm -rf "$LOCAL_DIR"
    if [ "$IS_ROOT" -eq 1 ]; then
        fb="$(fallback_dir)"
        if [ -d "$fb" ]; then
            log "removing $fb"
            rm -rf "$fb"
        fi
    fi
    if [ -n "${ASSETMAP_PGDATA:-}" ] && [ -d "$ASSETMAP_PGDATA" ]; then
        log "note: ASSETMAP_PGDATA=$ASSETMAP_PGDATA was left in place"
    fi
}

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
    local cmd="${1:-}"
    [ $# -gt 0 ] && shift
    case "$cmd" in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    clean) cmd_clean ;;
    -h | --help | help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
    esac
}

main "$@"
