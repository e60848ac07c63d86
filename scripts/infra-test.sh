#!/usr/bin/env bash
# End-to-end check of scripts/infra.sh with real processes: up, topics as the registry lists them, a record with
# key and headers through the broker, an object through the S3 server (signed requests), a refused bad signature,
# then down leaving no process and no listening port. Uses free ports and a throwaway run dir, so it never touches
# a developer's running infrastructure. Ends with "N passed, N failed".
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INFRA_SH="$ROOT/scripts/infra.sh"
RUN="$(mktemp -d /tmp/nextgpt-infra-test.XXXXXX)"
passed=0
failed=0

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

export NEXTGPT_RUN_DIR="$RUN/run"
export NEXTGPT_KAFKA_PORT="$(free_port)"
export NEXTGPT_KAFKA_CONTROLLER_PORT="$(free_port)"
export NEXTGPT_S3_PORT="$(free_port)"
export NEXTGPT_S3_BUCKET="infra-test"
export NEXTGPT_S3_ACCESS_KEY="infra-test"
export NEXTGPT_S3_SECRET_KEY="infra-test-secret-$RANDOM"
BOOTSTRAP="127.0.0.1:$NEXTGPT_KAFKA_PORT"
S3="http://127.0.0.1:$NEXTGPT_S3_PORT"
LIBS="$ROOT/infra/target/kafka/libs/*"

check() { # name command…
  local name="$1"
  shift
  if "$@" > "$RUN/last.out" 2>&1; then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    sed 's/^/    /' "$RUN/last.out" | tail -20
    failed=$((failed + 1))
  fi
}

cleanup() {
  "$INFRA_SH" down > /dev/null 2>&1 || true
  rm -rf "$RUN"
}
trap cleanup EXIT

kafka_tool() { java -Dlog4j2.configurationFile="$ROOT/infra/log4j2.properties" -Dnextgpt.log.level=warn -cp "$LIBS" "$@"; }

# A process that exists and is not a zombie.
alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

s3() { # secret method path [curl args…]
  local secret="$1" method="$2" path="$3"
  shift 3
  curl -s --aws-sigv4 "aws:amz:us-east-1:s3" --user "$NEXTGPT_S3_ACCESS_KEY:$secret" -X "$method" "$@" "$S3$path"
}

up() { "$INFRA_SH" up; }
status_running() {
  local out
  out="$("$INFRA_SH" status)" || return 1
  echo "$out"
  grep -q "^kafka    running" <<< "$out" && grep -q "^s3proxy  running" <<< "$out"
}
loopback_only() {
  local port listening
  for port in "$NEXTGPT_KAFKA_PORT" "$NEXTGPT_KAFKA_CONTROLLER_PORT" "$NEXTGPT_S3_PORT"; do
    listening="$(ss -Hltn "sport = :$port" | awk '{print $4}')"
    echo "port $port: $listening"
    [[ -n "$listening" ]] || return 1
    echo "$listening" | grep -qvE '^(\[::ffff:)?127\.0\.0\.1\]?:' && return 1
  done
  return 0
}
topics_as_registry() {
  java -cp "$ROOT/nextgpt-contracts/target/classes" dev.nextgpt.contracts.Topics | awk '{print $1}' | sort > "$RUN/expected"
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list | grep '^nextgpt\.' | sort > "$RUN/actual"
  diff "$RUN/expected" "$RUN/actual"
}
control_is_compacted() {
  local out
  out="$(kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --describe \
    --topic nextgpt.jobs.control)" || return 1
  echo "$out"
  grep -q 'PartitionCount: 3.*cleanup.policy=compact' <<< "$out"
}
record_round_trip() {
  printf 'nextgpt-job-id:job-1,traceparent:00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\tjob-1\t{"type":"job.requested"}\n' \
    | kafka_tool org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$BOOTSTRAP" --topic nextgpt.jobs.requested \
        --property parse.key=true --property parse.headers=true || return 1
  kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BOOTSTRAP" \
    --topic nextgpt.jobs.requested --from-beginning --max-messages 1 --timeout-ms 30000 \
    --property print.key=true --property print.headers=true > "$RUN/consumed" || return 1
  cat "$RUN/consumed"
  grep -q 'nextgpt-job-id:job-1' "$RUN/consumed" && grep -q 'traceparent:00-4bf92f3577b34da6a3ce929d0e0e4736' "$RUN/consumed" \
    && grep -qP '\tjob-1\t\{"type":"job.requested"\}' "$RUN/consumed"
}
object_round_trip() {
  head -c 300000 /dev/urandom > "$RUN/object"
  local code
  code="$(s3 "$NEXTGPT_S3_SECRET_KEY" PUT "/$NEXTGPT_S3_BUCKET/outputs/t1/job-1/image-0.png" -T "$RUN/object" \
    -H "x-amz-content-sha256: $(sha256 "$RUN/object")" -H "Content-Type: image/png" -o /dev/null -w '%{http_code}')"
  [[ "$code" == 200 ]] || { echo "PUT answered $code"; return 1; }
  s3 "$NEXTGPT_S3_SECRET_KEY" GET "/$NEXTGPT_S3_BUCKET/outputs/t1/job-1/image-0.png" \
    -H "x-amz-content-sha256: $(printf '' | sha256sum | cut -d' ' -f1)" -o "$RUN/object.back" || return 1
  cmp "$RUN/object" "$RUN/object.back"
}
bad_signature_refused() {
  local code
  code="$(s3 wrong-secret GET "/$NEXTGPT_S3_BUCKET/outputs/t1/job-1/image-0.png" \
    -H "x-amz-content-sha256: $(printf '' | sha256sum | cut -d' ' -f1)" -o "$RUN/denied.xml" -w '%{http_code}')"
  cat "$RUN/denied.xml"
  [[ "$code" == 403 ]]
}
up_again_is_a_no_op() {
  local out
  out="$("$INFRA_SH" up 2>&1)" || return 1
  echo "$out"
  grep -q 'kafka already running' <<< "$out" && grep -q 's3proxy already running' <<< "$out" \
    && ! grep -q fetching <<< "$out"
}
down_leaves_nothing() {
  local kafka_pid s3_pid
  kafka_pid="$(cat "$NEXTGPT_RUN_DIR/kafka.pid")"
  s3_pid="$(cat "$NEXTGPT_RUN_DIR/s3proxy.pid")"
  "$INFRA_SH" down || return 1
  ! alive "$kafka_pid" || { echo "kafka pid $kafka_pid alive"; return 1; }
  ! alive "$s3_pid" || { echo "s3proxy pid $s3_pid alive"; return 1; }
  [[ ! -e "$NEXTGPT_RUN_DIR/kafka.pid" && ! -e "$NEXTGPT_RUN_DIR/s3proxy.pid" ]] || return 1
  [[ -z "$(ss -Hltn "( sport = :$NEXTGPT_KAFKA_PORT or sport = :$NEXTGPT_S3_PORT or sport = :$NEXTGPT_KAFKA_CONTROLLER_PORT )")" ]]
}
status_stopped() { ! "$INFRA_SH" status; }
data_survives_restart() {
  "$INFRA_SH" up > /dev/null 2>&1 || return 1
  s3 "$NEXTGPT_S3_SECRET_KEY" GET "/$NEXTGPT_S3_BUCKET/outputs/t1/job-1/image-0.png" \
    -H "x-amz-content-sha256: $(printf '' | sha256sum | cut -d' ' -f1)" -o "$RUN/object.again" || return 1
  cmp "$RUN/object" "$RUN/object.again" || return 1
  local out
  out="$(kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BOOTSTRAP" \
    --topic nextgpt.jobs.requested --from-beginning --max-messages 1 --timeout-ms 30000)" || return 1
  grep -q 'job.requested' <<< "$out"
}

check "up starts kafka and s3proxy" up
check "status reports both running" status_running
check "both listen on 127.0.0.1 only" loopback_only
check "topics are exactly the registry's" topics_as_registry
check "control topic is compacted with 3 partitions" control_is_compacted
check "a record keeps key and headers" record_round_trip
check "an object goes in and comes back" object_round_trip
check "a wrong signature is refused" bad_signature_refused
check "up again is a no-op" up_again_is_a_no_op
check "down stops both and frees the ports" down_leaves_nothing
check "status reports stopped" status_stopped
check "objects and records survive down/up" data_survives_restart
check "down again leaves nothing" down_leaves_nothing

echo "$passed passed, $failed failed"
((failed == 0))
