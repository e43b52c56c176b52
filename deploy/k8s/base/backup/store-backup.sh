#!/bin/sh
# Snapshot of the store of record: BGSAVE, wait until that save has finished, copy the RDB it wrote to the backup
# folder under a dated name, keep the newest $KEEP. Run by the CronJob redis-store-backup (its pod mounts the store's
# volume read-only beside the backup volume) and, against a local redis-server, by Evaluator.Tests (BackupRestoreTests).
# Settings: STORE_HOST, STORE_PORT, STORE_DATA_DIR (the store's --dir), BACKUP_DIR, KEEP, TIMEOUT (seconds);
# REDISCLI_AUTH carries the password.
set -eu
host="${STORE_HOST:-redis-store}"
port="${STORE_PORT:-6379}"
data="${STORE_DATA_DIR:-/data}"
backups="${BACKUP_DIR:-/backup}"
keep="${KEEP:-14}"
timeout="${TIMEOUT:-900}"

cli() { redis-cli --no-auth-warning -h "$host" -p "$port" "$@"; }
persistence() { cli INFO persistence | tr -d '\r' | sed -n "s/^$1://p"; }

# rdb_saves counts finished snapshots: LASTSAVE has one-second resolution and could not tell two apart.
before="$(persistence rdb_saves)"
# SCHEDULE: when an append-only rewrite is running, the snapshot starts right after it instead of failing.
cli BGSAVE SCHEDULE > /dev/null
deadline=$(( $(date +%s) + timeout ))
while [ "$(persistence rdb_saves)" = "$before" ] || [ "$(persistence rdb_bgsave_in_progress)" != 0 ]; do
  if [ "$(date +%s)" -ge "$deadline" ]; then echo "BGSAVE did not finish within ${timeout}s" >&2; exit 1; fi
  sleep 1
done
status="$(persistence rdb_last_bgsave_status)"
if [ "$status" != ok ]; then echo "BGSAVE failed (rdb_last_bgsave_status: $status)" >&2; exit 1; fi

# Redis renames a finished snapshot into place, so the copy reads one whole file even if another save starts.
name="store-$(date -u +%Y%m%dT%H%M%SZ).rdb"
cp "$data/dump.rdb" "$backups/.$name.partial"
mv "$backups/.$name.partial" "$backups/$name"
echo "backup $name: $(wc -c < "$backups/$name") bytes"

# Retention: the newest $keep snapshots (the dated names sort by time).
ls -1 "$backups" | grep '^store-.*\.rdb$' | sort -r | tail -n "+$((keep + 1))" | while read -r old; do
  rm -f "$backups/$old"
  echo "removed $old"
done
