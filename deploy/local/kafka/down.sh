#!/usr/bin/env bash
# Stop the local Kafka broker started by up.sh (SIGTERM, then SIGKILL after
# $TALLY_KAFKA_STOP_TIMEOUT seconds). Idempotent. --purge also deletes its data and logs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

purge=0
case "${1:-}" in
  "") ;;
  --purge) purge=1 ;;
  *) die "usage: down.sh [--purge]" ;;
esac

if [[ -d "$TALLY_KAFKA_DIR" ]]; then
  exec 9>"$TALLY_KAFKA_DIR/.lock"
  flock -w "$((TALLY_KAFKA_STOP_TIMEOUT + 120))" 9 || die "timed out waiting for the lock on $TALLY_KAFKA_DIR"
fi

if pid="$(broker_pid)"; then
  log "stopping Kafka (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + TALLY_KAFKA_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after ${TALLY_KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  log "stopped"
else
  log "not running (no live broker in $KAFKA_PID_FILE)"
fi
rm -f "$KAFKA_PID_FILE"

if ((purge)); then
  if [[ -d "$TALLY_KAFKA_DIR" ]]; then
    log "purging $TALLY_KAFKA_DIR"
    # Remove only what up.sh creates, never an arbitrary directory's contents.
    rm -rf -- "$KAFKA_DATA_DIR"
    rm -f -- "$KAFKA_CONFIG" "$KAFKA_LOG" "$KAFKA_LOG.1" "$TALLY_KAFKA_DIR/.lock"
    rmdir -- "$TALLY_KAFKA_DIR" 2>/dev/null || log "left $TALLY_KAFKA_DIR in place (it holds other files)"
  fi
fi
