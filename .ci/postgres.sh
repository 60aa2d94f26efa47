#!/usr/bin/env bash
# Start a throw-away PostgreSQL on loopback for the audit-store tests.
#
#   eval "$(.ci/postgres.sh)"      # exports CREDITAI_TEST_POSTGRES_URL
#   .ci/postgres.sh stop           # stops it and removes its data
#
# Installs Debian's postgresql with apt-get when no server binaries are found (needs root),
# runs initdb + pg_ctl as the `postgres` user in a temporary folder (no system cluster is
# touched), listens on 127.0.0.1 only, on a free port, and creates a user and a database.
# Only the `export ...` line goes to stdout; progress goes to stderr.
set -euo pipefail

STATE=${CREDITAI_PG_STATE:-/tmp/creditai-pg}
DB=creditai_test
USER_NAME=creditai
PASSWORD=${CREDITAI_PG_PASSWORD:-creditai}

say() { echo "postgres.sh: $*" >&2; }

find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
    return 1
}

as_pg() {
    # run a command as the postgres user (initdb refuses to run as root)
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
    else
        "$@"
    fi
}

if [ "${1:-start}" = "stop" ]; then
    BIN=$(find_bindir) || { say "no postgresql installed"; exit 0; }
    if [ -d "$STATE/data" ]; then as_pg "$BIN/pg_ctl" -D "$STATE/data" -m fast stop >&2 || true; fi
    rm -rf "$STATE"
    say "stopped"
    exit 0
fi

if ! BIN=$(find_bindir); then
    if [ "$(id -u)" != 0 ]; then say "postgresql is not installed and this is not root: install it first"; exit 1; fi
    say "installing postgresql (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    BIN=$(find_bindir) || { say "postgresql installed but initdb not found"; exit 1; }
fi
id postgres >/dev/null 2>&1 || useradd --system --home-dir "$STATE" --shell /bin/sh postgres

# Already running from an earlier call: reuse it.
if [ -f "$STATE/url" ] && as_pg "$BIN/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1; then
    echo "export CREDITAI_TEST_POSTGRES_URL='$(cat "$STATE/url")'"
    exit 0
fi

rm -rf "$STATE"
mkdir -p "$STATE"
chown postgres "$STATE" 2>/dev/null || true
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
PWFILE="$STATE/pwfile"
printf '%s\n' "$PASSWORD" > "$PWFILE"
chown postgres "$PWFILE" 2>/dev/null || true
say "initdb in $STATE/data (bin: $BIN)"
as_pg "$BIN/initdb" -D "$STATE/data" -U postgres --auth=scram-sha-256 --pwfile="$PWFILE" -E UTF8 --locale=C.UTF-8 >&2 \
  || as_pg "$BIN/initdb" -D "$STATE/data" -U postgres --auth=scram-sha-256 --pwfile="$PWFILE" -E UTF8 --locale=C >&2
say "starting on 127.0.0.1:$PORT"
as_pg "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$STATE -c fsync=off" start >&2

export PGPASSWORD="$PASSWORD"
PSQL=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q)
"${PSQL[@]}" -d postgres -c "CREATE USER $USER_NAME PASSWORD '$PASSWORD';" >&2
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB OWNER $USER_NAME;" >&2
URL="postgresql+psycopg://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/$DB"
echo "$URL" > "$STATE/url"
say "ready: $URL"
echo "export CREDITAI_TEST_POSTGRES_URL='$URL'"
