#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL cluster on a local port, then stops it.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PORT=${GRIDGOV_PG_PORT:-54329}
DIR=$(mktemp -d /tmp/gridgov-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$DIR"
  RUN_AS=(runuser -u postgres --)
fi
cleanup() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
"${RUN_AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U gridgov --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" start >/dev/null
export DATABASE_URL="postgres://gridgov@127.0.0.1:$PORT/postgres"
echo "PostgreSQL on port $PORT ($("$PGBIN/postgres" --version))"
"$@"
