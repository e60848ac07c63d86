#!/usr/bin/env bash
# Builds the service images the deploy files name (needs a Docker engine with BuildKit; not available where the
# tests run). The tags come from docker-compose.yml's build sections, which deploy/generate.sh writes from
# deploy/services.yaml: <registry>/<service>:<tag>-cpu for every service, <tag>-cuda for the model services.
#   deploy/build-images.sh [cpu|gpu|all] [--push]
# NEXTGPT_IMAGE_REGISTRY and NEXTGPT_IMAGE_TAG override the registry and tag (as in docker-compose.yml).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
which="${1:-all}"
push="${2:-}"
profiles=()
case "$which" in
  cpu) profiles=(--profile cpu) ;;
  gpu) profiles=(--profile gpu) ;;
  all) profiles=(--profile cpu --profile gpu) ;;
  *) echo "usage: deploy/build-images.sh [cpu|gpu|all] [--push]" >&2; exit 2 ;;
esac
compose() {
  if docker compose version > /dev/null 2>&1; then docker compose "$@"; else docker-compose "$@"; fi
}
export NEXTGPT_API_KEY="${NEXTGPT_API_KEY:-build}" DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
compose -f docker-compose.yml "${profiles[@]}" build
if [[ "$push" == "--push" ]]; then
  compose -f docker-compose.yml "${profiles[@]}" push --ignore-push-failures
fi
