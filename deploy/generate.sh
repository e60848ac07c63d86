#!/usr/bin/env bash
# Writes docker-compose.yml and k8s/ from deploy/services.yaml and nextgpt-contracts (topics, consumer groups).
#   deploy/generate.sh           write the files (commit them: users read them)
#   deploy/generate.sh --check   only compare; exit 1 and name each file that differs
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CLASSES="deploy/target/classes"
if [[ ! -d "$CLASSES/dev" || ! -d deploy/target/lib || -n "$(find deploy/src/main nextgpt-contracts/src/main deploy/pom.xml -newer "$CLASSES" -print -quit 2>/dev/null)" ]]; then
  echo "generate: compiling nextgpt-contracts and deploy…" >&2
  mvn -q -B -pl deploy -am -DskipTests install >&2
  touch "$CLASSES"
fi
exec java -Dnextgpt.repo.root="$ROOT" -cp "$CLASSES:deploy/target/lib/*" dev.nextgpt.deploy.Generator "$@"
