#!/usr/bin/env bash
# Stop what deploy/local/up.sh started, idempotently.
#   down.sh           stop the Kafka broker (its data is kept for the next up.sh)
#   down.sh --purge   also delete the broker's data and logs
# PostgreSQL is the machine's shared service: it is stopped only if up.sh had to start it
# (or with TALLY_STOP_POSTGRES=1); otherwise it is left running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

STATE_DIR="${TALLY_LOCAL_STATE_DIR:-/tmp/tally-local}"
log() { printf '[tally-local] %s\n' "$*" >&2; }

case "${1:-}" in
  "" | --purge) ;;
  *) log "usage: down.sh [--purge]"; exit 2 ;;
esac

"$here/kafka/down.sh" "$@"

marker="$STATE_DIR/postgres-started"
if [[ -f "$marker" || "${TALLY_STOP_POSTGRES:-}" == 1 ]]; then
  if [[ -f "$marker" ]]; then read -r version cluster <"$marker"; fi
  version="${version:-$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)}"; cluster="${cluster:-main}"
  log "postgres: stopping cluster $version/$cluster"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" stop || log "postgres: already stopped"
  rm -f "$marker"
else
  log "postgres: left running (not started by up.sh)"
fi
