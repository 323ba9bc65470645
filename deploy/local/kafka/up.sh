#!/usr/bin/env bash
# Start a single-node Apache Kafka (KRaft, broker+controller) on 127.0.0.1 for development,
# tests and CI. Idempotent: if the broker already answers, this is a no-op.
#   up.sh           resolve jars if needed, format storage if needed, start, wait until ready
#   up.sh --check   exit 0 if the broker answers (same as status.sh)
# Settings: see README.md (TALLY_KAFKA_DIR, TALLY_KAFKA_PORT, TALLY_KAFKA_HEAP, ...).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ "${1:-}" == "--check" ]]; then
  exec "$KAFKA_HOME_DIR/status.sh"
fi
[[ $# -eq 0 ]] || die "usage: up.sh [--check]"

[[ -n "$JAVA" ]] || die "java not found (JDK 17+ required)"
mkdir -p "$TALLY_KAFKA_DIR"

# One up/down at a time per data dir (parallel CI steps or sessions sharing /tmp/tally-kafka).
exec 9>"$TALLY_KAFKA_DIR/.lock"
flock -w "$((TALLY_KAFKA_START_TIMEOUT + 120))" 9 || die "timed out waiting for the lock on $TALLY_KAFKA_DIR"

resolve_jars

if pid="$(broker_pid)"; then
  if broker_ready 5000 >/dev/null; then
    log "already running (pid $pid) on $KAFKA_BOOTSTRAP"
    exit 0
  fi
  log "broker process $pid exists but does not answer yet; waiting"
else
  if port_open; then
    if broker_ready 5000 >/dev/null; then
      log "a Kafka broker not started by this script already answers on $KAFKA_BOOTSTRAP; using it"
      exit 0
    fi
    die "port $TALLY_KAFKA_PORT on $TALLY_KAFKA_HOST is taken by something that is not a ready Kafka broker (set TALLY_KAFKA_PORT)"
  fi
  pid=""
fi

if [[ -z "$pid" ]]; then
  mkdir -p "$KAFKA_DATA_DIR"
  cat >"$KAFKA_CONFIG" <<PROPS
# Written by deploy/local/kafka/up.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$TALLY_KAFKA_HOST:$TALLY_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$TALLY_KAFKA_HOST:$TALLY_KAFKA_PORT,CONTROLLER://$TALLY_KAFKA_HOST:$TALLY_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$TALLY_KAFKA_HOST:$TALLY_KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DATA_DIR

# Topics are created explicitly by the application and the tests (partition counts matter).
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=1
default.replication.factor=1
min.insync.replicas=1

# Single node: internal topics with one replica, fewer partitions than the defaults (50).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Fast group joins and short session timeouts allowed, for fault tests that kill consumers.
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000

# Local retention: a day or 1 GiB per partition, 64 MiB segments.
log.retention.hours=24
log.retention.bytes=1073741824
log.segment.bytes=67108864
log.retention.check.interval.ms=60000

# Two-core machines.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
PROPS

  if [[ ! -f "$KAFKA_DATA_DIR/meta.properties" ]]; then
    # A Kafka cluster id is 16 random bytes in URL-safe base64 (22 characters). The first one
    # must not be '-', or the storage tool's argument parser takes the id for an option.
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    while [[ "$cluster_id" == -* ]]; do cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"; done
    log "formatting storage in $KAFKA_DATA_DIR (cluster id $cluster_id)"
    "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$KAFKA_HOME_DIR/log4j2-quiet.properties" \
      -cp "$TALLY_KAFKA_LIB/*" kafka.tools.StorageTool format \
      --cluster-id "$cluster_id" --config "$KAFKA_CONFIG" >>"$KAFKA_LOG" 2>&1 \
      || { log_tail 20; die "formatting storage failed"; }
  fi

  # Keep one previous log when it grows past 20 MB.
  if [[ -f "$KAFKA_LOG" ]] && (($(stat -c %s "$KAFKA_LOG") > 20971520)); then mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"; fi
  log "starting Kafka on $KAFKA_BOOTSTRAP (data $TALLY_KAFKA_DIR, log $KAFKA_LOG)"
  printf '\n===== %s up.sh: starting broker =====\n' "$(date -u +%FT%TZ)" >>"$KAFKA_LOG"
  # A pid file left by a broker that died with its machine (or a SIGKILL) would be read below
  # before the new broker writes its own, and taken for a broker that exited at once.
  rm -f "$KAFKA_PID_FILE"
  # setsid: own session, so the broker outlives the shell/CI step that started it.
  # The inner shell writes its own pid, then execs java (same pid).
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$KAFKA_PID_FILE" \
    "$JAVA" -server "-Xms$TALLY_KAFKA_HEAP" "-Xmx$TALLY_KAFKA_HEAP" \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_HOME_DIR/log4j2.properties" \
    -cp "$TALLY_KAFKA_LIB/*" kafka.Kafka "$KAFKA_CONFIG" \
    </dev/null >>"$KAFKA_LOG" 2>&1 9>&- &
  for _ in $(seq 1 50); do [[ -s "$KAFKA_PID_FILE" ]] && break; sleep 0.1; done
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
fi

deadline=$((SECONDS + TALLY_KAFKA_START_TIMEOUT))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$KAFKA_PID_FILE"
    log_tail 40
    die "Kafka exited during startup (full log: $KAFKA_LOG)"
  fi
  if port_open && info="$(broker_ready 3000 2>/dev/null)"; then
    log "ready on $KAFKA_BOOTSTRAP (pid $pid): $info"
    exit 0
  fi
  if ((SECONDS >= deadline)); then
    log_tail 40
    die "Kafka did not answer on $KAFKA_BOOTSTRAP within ${TALLY_KAFKA_START_TIMEOUT}s (pid $pid still running; full log: $KAFKA_LOG; stop it with down.sh)"
  fi
  sleep 0.5
done
