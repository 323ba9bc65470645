#!/usr/bin/env bash
# Exit 0 if the local Kafka broker answers a metadata request on $TALLY_KAFKA_HOST:$TALLY_KAFKA_PORT.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if ! port_open; then
  log "not running: nothing listens on $KAFKA_BOOTSTRAP"
  exit 1
fi
lib_ready || die "jars not resolved yet (run up.sh)"
if info="$(broker_ready 5000)"; then
  if pid="$(broker_pid)"; then log "up (pid $pid) on $KAFKA_BOOTSTRAP: $info"
  else log "up on $KAFKA_BOOTSTRAP (not started by up.sh with TALLY_KAFKA_DIR=$TALLY_KAFKA_DIR): $info"; fi
  exit 0
fi
log "port $TALLY_KAFKA_PORT is open but the broker is not ready"
exit 1
