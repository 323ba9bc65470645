# Shared settings and helpers for up.sh / down.sh / status.sh. Sourced, not executed.
# shellcheck shell=bash

KAFKA_HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

TALLY_KAFKA_DIR="${TALLY_KAFKA_DIR:-/tmp/tally-kafka}"
TALLY_KAFKA_HOST="${TALLY_KAFKA_HOST:-127.0.0.1}"
TALLY_KAFKA_PORT="${TALLY_KAFKA_PORT:-9092}"
TALLY_KAFKA_CONTROLLER_PORT="${TALLY_KAFKA_CONTROLLER_PORT:-$((TALLY_KAFKA_PORT + 1))}"
TALLY_KAFKA_HEAP="${TALLY_KAFKA_HEAP:-512m}"
TALLY_KAFKA_START_TIMEOUT="${TALLY_KAFKA_START_TIMEOUT:-60}"
TALLY_KAFKA_STOP_TIMEOUT="${TALLY_KAFKA_STOP_TIMEOUT:-30}"
TALLY_KAFKA_LIB="${TALLY_KAFKA_LIB:-$KAFKA_HOME_DIR/target/lib}"

KAFKA_BOOTSTRAP="$TALLY_KAFKA_HOST:$TALLY_KAFKA_PORT"
KAFKA_DATA_DIR="$TALLY_KAFKA_DIR/data"
KAFKA_CONFIG="$TALLY_KAFKA_DIR/server.properties"
KAFKA_LOG="$TALLY_KAFKA_DIR/kafka.log"
KAFKA_PID_FILE="$TALLY_KAFKA_DIR/kafka.pid"
KAFKA_READY_CLASSES="$KAFKA_HOME_DIR/target/ready"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"; JAVAC="$JAVA_HOME/bin/javac"
else
  JAVA="$(command -v java || true)"; JAVAC="$(command -v javac || true)"
fi

log() { printf '[tally-kafka] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The pid of our broker if it is running (pid file points at a live kafka.Kafka process).
broker_pid() {
  local pid
  [[ -f "$KAFKA_PID_FILE" ]] || return 1
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

# Is something accepting TCP connections on the broker port?
port_open() {
  (exec 3<>"/dev/tcp/$TALLY_KAFKA_HOST/$TALLY_KAFKA_PORT") 2>/dev/null
}

lib_ready() {
  [[ -f "$TALLY_KAFKA_LIB/.resolved" ]] && [[ "$(cat "$TALLY_KAFKA_LIB/.resolved")" == "$(pom_stamp)" ]]
}

pom_stamp() { sha256sum "$KAFKA_HOME_DIR/pom.xml" | cut -c1-64; }

# Copy the Kafka runtime jars from Maven Central (or ~/.m2 when cached) into $TALLY_KAFKA_LIB.
resolve_jars() {
  lib_ready && return 0
  command -v mvn >/dev/null || die "mvn not found: Maven is needed once to fetch the Kafka jars"
  log "resolving Kafka jars with Maven into $TALLY_KAFKA_LIB (first run downloads ~45 MB)"
  rm -rf "$TALLY_KAFKA_LIB"
  local out
  out="$(mktemp)"
  if ! mvn -B -Dstyle.color=never -f "$KAFKA_HOME_DIR/pom.xml" -Dlib.dir="$TALLY_KAFKA_LIB" \
      dependency:copy-dependencies >"$out" 2>&1; then
    tail -n 40 "$out" >&2
    rm -f "$out"
    die "Maven could not resolve the Kafka jars (output above)"
  fi
  rm -f "$out"
  pom_stamp >"$TALLY_KAFKA_LIB/.resolved"
}

# Compile the readiness probe (Ready.java) once per checkout.
ensure_probe() {
  local cls="$KAFKA_READY_CLASSES/Ready.class"
  if [[ ! -f "$cls" || "$KAFKA_HOME_DIR/Ready.java" -nt "$cls" ]]; then
    [[ -n "$JAVAC" ]] || die "javac not found (a JDK 17+ is required)"
    mkdir -p "$KAFKA_READY_CLASSES"
    "$JAVAC" -nowarn -d "$KAFKA_READY_CLASSES" -cp "$TALLY_KAFKA_LIB/*" "$KAFKA_HOME_DIR/Ready.java" \
      || die "could not compile Ready.java"
  fi
}

# Does the broker answer a metadata request with a live broker? (port check first: cheap)
broker_ready() {
  port_open || return 1
  lib_ready || return 1
  ensure_probe
  "$JAVA" -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$KAFKA_HOME_DIR/log4j2-quiet.properties" \
    -cp "$KAFKA_READY_CLASSES:$TALLY_KAFKA_LIB/*" Ready "$KAFKA_BOOTSTRAP" "${1:-5000}"
}

log_tail() {
  if [[ -f "$KAFKA_LOG" ]]; then
    log "last lines of $KAFKA_LOG:"
    tail -n "${1:-40}" "$KAFKA_LOG" >&2
  fi
}
