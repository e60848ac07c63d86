#!/usr/bin/env bash
# Local infrastructure for ./nextgpt up: a Kafka broker (KRaft, one node, 127.0.0.1) and an S3 server (s3proxy,
# on-disk store, signature checks on), both as plain Java processes from Maven Central jars.
#
#   scripts/infra.sh up       fetch jars if needed, start both, create bucket and topics, wait until ready
#   scripts/infra.sh down     stop what `up` started (pid files under the run dir), nothing else
#   scripts/infra.sh status   say what runs, where
#   scripts/infra.sh env      print the connection settings as shell variables (for services: eval "$(… env)")
#   scripts/infra.sh clean    remove the data of a stopped infrastructure
#
# Settings (environment, defaults in brackets): NEXTGPT_RUN_DIR [.run], NEXTGPT_KAFKA_PORT [9092],
# NEXTGPT_KAFKA_CONTROLLER_PORT [9093], NEXTGPT_S3_PORT [9000], NEXTGPT_S3_BUCKET [nextgpt],
# NEXTGPT_S3_ACCESS_KEY [nextgpt], NEXTGPT_S3_SECRET_KEY [nextgpt-local-secret], NEXTGPT_INFRA_TIMEOUT [90] seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${NEXTGPT_RUN_DIR:-$ROOT/.run}"
case "$RUN_DIR" in /*) ;; *) RUN_DIR="$ROOT/$RUN_DIR" ;; esac
KAFKA_PORT="${NEXTGPT_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${NEXTGPT_KAFKA_CONTROLLER_PORT:-9093}"
S3_PORT="${NEXTGPT_S3_PORT:-9000}"
S3_BUCKET="${NEXTGPT_S3_BUCKET:-nextgpt}"
S3_ACCESS_KEY="${NEXTGPT_S3_ACCESS_KEY:-nextgpt}"
S3_SECRET_KEY="${NEXTGPT_S3_SECRET_KEY:-nextgpt-local-secret}"
S3_REGION="us-east-1"
TIMEOUT="${NEXTGPT_INFRA_TIMEOUT:-90}"

INFRA="$ROOT/infra"
KAFKA_LIBS="$INFRA/target/kafka/libs"
S3PROXY_JAR="$INFRA/target/s3proxy/s3proxy.jar"
CONTRACTS_CLASSES="$ROOT/nextgpt-contracts/target/classes"
KAFKA_DIR="$RUN_DIR/kafka"
S3_DIR="$RUN_DIR/s3"
KAFKA_PID="$RUN_DIR/kafka.pid"
S3_PID="$RUN_DIR/s3proxy.pid"

log() { echo "infra: $*" >&2; }
die() { echo "infra: error: $*" >&2; exit 1; }

# A pid file names a process we started only while that process still runs our main class.
running() {
  local pidfile="$1" marker="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$marker"
}

# Whether a process exists and is not a zombie (its /proc entry outlives its command line while it exits).
alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fetch_jars() {
  local stamp="$INFRA/target/.fetched"
  if [[ ! -f "$stamp" || ! -f "$S3PROXY_JAR" || ! -d "$KAFKA_LIBS" || "$INFRA/pom.xml" -nt "$stamp" ]]; then
    log "fetching Kafka and s3proxy jars (mvn -f infra/pom.xml package)…"
    rm -rf "$KAFKA_LIBS"
    mvn -q -B -f "$INFRA/pom.xml" package >&2 || die "could not fetch the infrastructure jars (see Maven's output above)"
    touch "$stamp"
  fi
  if [[ ! -d "$CONTRACTS_CLASSES/dev" || -n "$(find "$ROOT/nextgpt-contracts/src/main" -newer "$CONTRACTS_CLASSES" -print -quit 2>/dev/null)" ]]; then
    log "compiling nextgpt-contracts (the topic registry)…"
    mvn -q -B -f "$ROOT/pom.xml" -pl nextgpt-contracts compile >&2 || die "could not compile nextgpt-contracts"
    touch "$CONTRACTS_CLASSES"
  fi
}

write_kafka_config() {
  mkdir -p "$KAFKA_DIR/data"
  cat > "$KAFKA_DIR/server.properties" <<PROPS
# written by scripts/infra.sh
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
# topics come from the one registry (dev.nextgpt.contracts.Topics), never from a typo
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
PROPS
}

start_kafka() {
  if running "$KAFKA_PID" kafka.Kafka; then
    log "kafka already running (pid $(cat "$KAFKA_PID"))"
    return
  fi
  port_free "$KAFKA_PORT" || die "port $KAFKA_PORT is in use (set NEXTGPT_KAFKA_PORT)"
  port_free "$CONTROLLER_PORT" || die "port $CONTROLLER_PORT is in use (set NEXTGPT_KAFKA_CONTROLLER_PORT)"
  write_kafka_config
  local cp="$KAFKA_LIBS/*"
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid)"
    echo "$cluster_id" > "$KAFKA_DIR/cluster-id"
    java -Dlog4j2.configurationFile="$INFRA/log4j2.properties" -cp "$cp" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$KAFKA_DIR/server.properties" > "$KAFKA_DIR/format.log" 2>&1 \
      || { cat "$KAFKA_DIR/format.log" >&2; die "kafka storage format failed"; }
    log "kafka storage formatted (cluster id $cluster_id)"
  fi
  nohup java -Xms128m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$INFRA/log4j2.properties" \
    -cp "$cp" kafka.Kafka "$KAFKA_DIR/server.properties" > "$KAFKA_DIR/kafka.log" 2>&1 < /dev/null &
  echo $! > "$KAFKA_PID"
  log "kafka starting (pid $!, 127.0.0.1:$KAFKA_PORT, log $KAFKA_DIR/kafka.log)"
}

start_s3() {
  if running "$S3_PID" org.gaul.s3proxy; then
    log "s3proxy already running (pid $(cat "$S3_PID"))"
    return
  fi
  port_free "$S3_PORT" || die "port $S3_PORT is in use (set NEXTGPT_S3_PORT)"
  mkdir -p "$S3_DIR/data"
  cat > "$S3_DIR/s3proxy.properties" <<PROPS
# written by scripts/infra.sh
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
s3proxy.jetty.max-threads=32
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$S3_DIR/data
jclouds.identity=local
jclouds.credential=local
PROPS
  chmod 600 "$S3_DIR/s3proxy.properties"
  nohup java -Xms64m -Xmx256m -Djava.awt.headless=true -DLOG_LEVEL=warn \
    -cp "$S3PROXY_JAR" org.gaul.s3proxy.Main --properties "$S3_DIR/s3proxy.properties" \
    > "$S3_DIR/s3proxy.log" 2>&1 < /dev/null &
  echo $! > "$S3_PID"
  log "s3proxy starting (pid $!, http://127.0.0.1:$S3_PORT, log $S3_DIR/s3proxy.log)"
}

# Waits until the S3 endpoint answers HTTP; fails early when the process died.
wait_s3() {
  local deadline=$((SECONDS + TIMEOUT))
  until curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/"; do
    running "$S3_PID" org.gaul.s3proxy || { tail -20 "$S3_DIR/s3proxy.log" >&2; die "s3proxy exited during start-up"; }
    ((SECONDS < deadline)) || die "s3proxy not answering on 127.0.0.1:$S3_PORT after ${TIMEOUT}s (log: $S3_DIR/s3proxy.log)"
    sleep 0.2
  done
}

# A request without body, signed with AWS SigV4 (s3proxy checks signatures; curl needs the payload hash given).
s3_request() { # method path [curl args…]
  local method="$1" path="$2"
  shift 2
  curl -s --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    -X "$method" "$@" "http://127.0.0.1:$S3_PORT$path"
}

create_bucket() {
  local code
  code="$(s3_request PUT "/$S3_BUCKET" -o "$S3_DIR/create-bucket.xml" -w '%{http_code}')"
  case "$code" in
    200) log "s3: bucket $S3_BUCKET created" ;;
    409) log "s3: bucket $S3_BUCKET exists" ;;
    *) cat "$S3_DIR/create-bucket.xml" >&2; die "s3: creating bucket $S3_BUCKET answered HTTP $code" ;;
  esac
}

# Waits for the broker and creates every topic of the registry, in one JVM (infra/KafkaTopics.java).
create_topics() {
  java -cp "$CONTRACTS_CLASSES" dev.nextgpt.contracts.Topics > "$KAFKA_DIR/topics.txt"
  local rc=0
  timeout "$((TIMEOUT + 30))" java -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$INFRA/log4j2.properties" \
    -Dnextgpt.log.level=warn \
    "$INFRA/KafkaTopics.java" "127.0.0.1:$KAFKA_PORT" "$TIMEOUT" < "$KAFKA_DIR/topics.txt" \
    2> "$KAFKA_DIR/topics.log" >&2 || rc=$?
  if ((rc != 0)); then
    tail -20 "$KAFKA_DIR/topics.log" >&2
    running "$KAFKA_PID" kafka.Kafka || { tail -30 "$KAFKA_DIR/kafka.log" >&2; die "kafka exited during start-up"; }
    die "kafka not ready on 127.0.0.1:$KAFKA_PORT after ${TIMEOUT}s (log: $KAFKA_DIR/kafka.log)"
  fi
  grep '^kafka:' "$KAFKA_DIR/topics.log" >&2 || true
}

stop() { # pidfile marker name
  local pidfile="$1" marker="$2" name="$3" pid
  if ! running "$pidfile" "$marker"; then
    [[ -f "$pidfile" ]] && log "$name was not running (stale pid file removed)"
    rm -f "$pidfile"
    return
  fi
  pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  for _ in $(seq 1 150); do
    alive "$pid" || break
    sleep 0.2
  done
  if alive "$pid"; then
    log "$name (pid $pid) did not stop in 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      alive "$pid" || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
  log "$name stopped (pid $pid)"
}

status() {
  local rc=0
  if running "$KAFKA_PID" kafka.Kafka; then
    echo "kafka    running  pid $(cat "$KAFKA_PID")  bootstrap 127.0.0.1:$KAFKA_PORT"
  else
    echo "kafka    stopped"; rc=3
  fi
  if running "$S3_PID" org.gaul.s3proxy; then
    echo "s3proxy  running  pid $(cat "$S3_PID")  endpoint http://127.0.0.1:$S3_PORT  bucket $S3_BUCKET"
  else
    echo "s3proxy  stopped"; rc=3
  fi
  return $rc
}

print_env() {
  cat <<ENV
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
NEXTGPT_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
NEXTGPT_S3_REGION=$S3_REGION
NEXTGPT_S3_BUCKET=$S3_BUCKET
NEXTGPT_S3_ACCESS_KEY=$S3_ACCESS_KEY
NEXTGPT_S3_SECRET_KEY=$S3_SECRET_KEY
ENV
}

cmd="${1:-status}"
case "$cmd" in
  up)
    command -v java >/dev/null || die "java 17+ is required"
    command -v curl >/dev/null || die "curl is required"
    mkdir -p "$RUN_DIR"
    fetch_jars
    start_kafka
    start_s3
    wait_s3
    create_bucket
    create_topics
    log "ready: kafka 127.0.0.1:$KAFKA_PORT, s3 http://127.0.0.1:$S3_PORT (bucket $S3_BUCKET)"
    ;;
  down)
    stop "$S3_PID" org.gaul.s3proxy s3proxy
    stop "$KAFKA_PID" kafka.Kafka kafka
    ;;
  status) status ;;
  env) print_env ;;
  clean)
    if running "$KAFKA_PID" kafka.Kafka || running "$S3_PID" org.gaul.s3proxy; then
      die "stop it first: scripts/infra.sh down"
    fi
    rm -rf "$KAFKA_DIR" "$S3_DIR"
    log "removed $KAFKA_DIR and $S3_DIR"
    ;;
  *) echo "usage: scripts/infra.sh up|down|status|env|clean" >&2; exit 2 ;;
esac
