#!/bin/sh
# Restores a snapshot into the store's data folder while the store is stopped (deploy/README.md, "Restore").
# The store runs with an append-only file, and at start Redis loads that file, never an RDB beside it: so the snapshot
# is loaded by a private redis-server without the append-only file, which then writes a new one from memory and stops.
# The store then starts as usual on the restored data. The previous append-only folder is kept aside, not deleted.
# Usage: store-restore.sh <snapshot.rdb | latest>   Settings: STORE_DATA_DIR, BACKUP_DIR (for "latest"), RESTORE_PORT.
set -eu
data="${STORE_DATA_DIR:-/data}"
backups="${BACKUP_DIR:-/backup}"
port="${RESTORE_PORT:-6390}"
snapshot="${1:?usage: store-restore.sh <snapshot.rdb | latest>}"
if [ "$snapshot" = latest ]; then
  snapshot="$backups/$(ls -1 "$backups" | grep '^store-.*\.rdb$' | sort -r | head -n 1)"
fi
[ -f "$snapshot" ] || { echo "no snapshot at $snapshot" >&2; exit 1; }

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
if [ -d "$data/appendonlydir" ]; then mv "$data/appendonlydir" "$data/appendonlydir.before-restore-$stamp"; fi
cp "$snapshot" "$data/dump.rdb"

cli() { redis-cli --no-auth-warning -h 127.0.0.1 -p "$port" "$@"; }
persistence() { cli INFO persistence | tr -d '\r' | sed -n "s/^$1://p"; }
redis-server --bind 127.0.0.1 --port "$port" --dir "$data" --dbfilename dump.rdb --appendonly no --save "" &
server=$!
until [ "$(cli PING 2>/dev/null)" = PONG ]; do
  kill -0 "$server" 2> /dev/null || { echo "redis-server could not load $snapshot" >&2; exit 1; }
  sleep 0.2
done
keys="$(cli DBSIZE)"

# Turning the append-only file on writes it from memory (a rewrite); wait for that rewrite to succeed.
cli CONFIG SET appendonly yes > /dev/null
while [ "$(persistence aof_rewrite_in_progress)" != 0 ] || [ "$(persistence aof_rewrite_scheduled)" != 0 ]; do sleep 0.2; done
status="$(persistence aof_last_bgrewrite_status)"
if [ "$status" != ok ]; then echo "writing the append-only file failed ($status)" >&2; cli SHUTDOWN NOSAVE > /dev/null || true; exit 1; fi
cli SHUTDOWN NOSAVE > /dev/null 2>&1 || true
wait "$server" || true
echo "restored $keys keys from $(basename "$snapshot") into $data"
