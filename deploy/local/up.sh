#!/usr/bin/env bash
# Start everything the integration tests need, idempotently:
#   1. the machine's PostgreSQL cluster (Debian pg_ctlcluster), unless it already answers;
#   2. the machine's MariaDB server (a data source for connectors/sources), unless it already answers;
#   3. the local single-node Kafka broker (deploy/local/kafka/up.sh).
# Exit 0 once all answer. Safe to run repeatedly. Stop with deploy/local/down.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

PG_HOST="${TALLY_PG_HOST:-127.0.0.1}"
PG_PORT="${TALLY_PG_PORT:-5432}"
STATE_DIR="${TALLY_LOCAL_STATE_DIR:-/tmp/tally-local}"
log() { printf '[tally-local] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2; }

start_postgres() {
  if [[ "${TALLY_SKIP_POSTGRES:-}" == 1 ]]; then log "postgres: skipped (TALLY_SKIP_POSTGRES=1)"; return; fi
  command -v pg_isready >/dev/null || die "pg_isready not found: install PostgreSQL (apt-get install postgresql) or set TALLY_SKIP_POSTGRES=1"
  if pg_up; then log "postgres: already accepting connections on $PG_HOST:$PG_PORT"; return; fi
  command -v pg_ctlcluster >/dev/null || die "postgres is not answering on $PG_HOST:$PG_PORT and pg_ctlcluster is not available to start it"
  # The Debian cluster listening on $PG_PORT (pg_lsclusters: version cluster port status ...).
  local version cluster
  read -r version cluster < <(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1, $2; exit }') || true
  if [[ -z "${version:-}" ]]; then
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"; cluster=main
  fi
  [[ -n "$version" ]] || die "no PostgreSQL cluster found under /etc/postgresql"
  log "postgres: starting cluster $version/$cluster"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || log "postgres: pg_ctlcluster returned $? (checking whether it answers anyway)"
  for _ in $(seq 1 60); do
    if pg_up; then
      mkdir -p "$STATE_DIR" && echo "$version $cluster" >"$STATE_DIR/postgres-started"
      log "postgres: accepting connections on $PG_HOST:$PG_PORT"
      return
    fi
    sleep 0.5
  done
  die "postgres did not answer on $PG_HOST:$PG_PORT within 30s (see /var/log/postgresql/)"
}

MARIADB_HOST="${TALLY_MARIADB_HOST:-127.0.0.1}"
MARIADB_PORT="${TALLY_MARIADB_PORT:-3306}"

mariadb_up() { mysqladmin --host="$MARIADB_HOST" --port="$MARIADB_PORT" --user=root --connect-timeout=2 ping >/dev/null 2>&1; }

start_mariadb() {
  if [[ "${TALLY_SKIP_MARIADB:-}" == 1 ]]; then log "mariadb: skipped (TALLY_SKIP_MARIADB=1)"; return; fi
  command -v mysqladmin >/dev/null || die "mysqladmin not found: install MariaDB (apt-get install mariadb-server) or set TALLY_SKIP_MARIADB=1"
  if mariadb_up; then log "mariadb: already accepting connections on $MARIADB_HOST:$MARIADB_PORT"; return; fi
  [[ -x /usr/sbin/mariadbd ]] || die "mariadb is not answering on $MARIADB_HOST:$MARIADB_PORT and /usr/sbin/mariadbd is not installed to start it"
  log "mariadb: starting /usr/sbin/mariadbd"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || log "mariadb: start-stop-daemon returned $? (checking whether it answers anyway)"
  for _ in $(seq 1 60); do
    if mariadb_up; then
      mkdir -p "$STATE_DIR" && touch "$STATE_DIR/mariadb-started"
      log "mariadb: accepting connections on $MARIADB_HOST:$MARIADB_PORT"
      return
    fi
    sleep 0.5
  done
  die "mariadb did not answer on $MARIADB_HOST:$MARIADB_PORT within 30s (see /var/log/mysql/)"
}

start_postgres
start_mariadb
"$here/kafka/up.sh"
log "ready: postgres $PG_HOST:$PG_PORT, mariadb $MARIADB_HOST:$MARIADB_PORT, kafka ${TALLY_KAFKA_HOST:-127.0.0.1}:${TALLY_KAFKA_PORT:-9092} (TALLY_KAFKA_BROKERS=${TALLY_KAFKA_HOST:-127.0.0.1}:${TALLY_KAFKA_PORT:-9092} TALLY_KAFKA_REPLICATION_FACTOR=1 TALLY_KAFKA_MIN_INSYNC_REPLICAS=1: deploy/local/single-broker.env)"
