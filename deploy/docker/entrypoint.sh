#!/bin/sh
# Starts a service's Quarkus fast-jar as PID 1, so SIGTERM reaches the JVM and the service stops gracefully:
# it stops taking records, finishes or hands back its in-flight batch (uncommitted records go to another
# replica) within quarkus.shutdown.timeout, then exits.
#   JAVA_OPTS  extra JVM options (heap, GC); DJL never downloads anything (ai.djl.offline=true).
set -eu
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java -Dai.djl.offline=true ${JAVA_OPTS:-} -jar /opt/nextgpt/app/quarkus-run.jar "$@"
