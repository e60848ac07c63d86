#!/usr/bin/env bash
# Validates the deploy files offline, with real validators (the deploy module's tests run this; ~20 s once the
# tools are installed):
#   1. docker-compose.yml parses and resolves for each profile: Debian's docker-compose 1.29 `config -q`
#   2. every kustomize overlay builds: `kubectl kustomize k8s/overlays/<overlay>` (also the base)
#   3. every rendered resource type-checks against the Kubernetes, KEDA and Strimzi schemas, unknown fields
#      included (deploy/schema-check: npm kubernetes-models, @kubernetes-models/keda, …/strimzi-kafka-operator)
# Installs what is missing: docker-compose from Debian (--no-install-recommends, so no Docker engine comes with
# it), the pinned npm packages into deploy/schema-check/node_modules. kubectl must be on PATH.
# Rendered overlays are left in deploy/target/rendered/ for reading.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="deploy/target/rendered"
log() { echo "validate: $*" >&2; }
die() { echo "validate: error: $*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo > /dev/null; then sudo "$@"; else die "need root to run: $*"; fi
}

ensure_tools() {
  if ! command -v docker-compose > /dev/null; then
    log "installing Debian's docker-compose (without recommends: no Docker engine)…"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose > /dev/null 2>&1 \
      || { as_root apt-get update -q > /dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose > /dev/null; } \
      || die "could not install docker-compose"
  fi
  command -v kubectl > /dev/null || die "kubectl is not on PATH (it renders the kustomize overlays)"
  command -v node > /dev/null && command -v npm > /dev/null || die "node and npm are needed for the schema check"
  local sc="deploy/schema-check"
  if [[ ! -d "$sc/node_modules/kubernetes-models" || "$sc/package-lock.json" -nt "$sc/node_modules/.package-lock.json" ]]; then
    log "installing the schema packages (npm ci, pinned by deploy/schema-check/package-lock.json)…"
    (cd "$sc" && npm ci --no-audit --no-fund --loglevel=error 2>&1 | grep -v EBADENGINE >&2 || true)
    [[ -d "$sc/node_modules/kubernetes-models" ]] || die "npm ci failed in $sc"
  fi
}

check_compose() {
  local profile
  # NEXTGPT_API_KEY is required by the file (${…:?}); any value resolves it here
  for profile in gpu cpu; do
    NEXTGPT_API_KEY=validate docker-compose -f docker-compose.yml --profile "$profile" config -q \
      || die "docker-compose.yml does not resolve with --profile $profile"
    log "compose: docker-compose.yml --profile $profile: ok"
  done
  if NEXTGPT_API_KEY= docker-compose -f docker-compose.yml config -q > /dev/null 2>&1; then
    die "docker-compose.yml resolves without NEXTGPT_API_KEY (the gateway must not start without a key)"
  fi
}

render_kustomize() {
  rm -rf "$OUT" && mkdir -p "$OUT"
  kubectl kustomize k8s/base > "$OUT/base.yaml" || die "k8s/base does not build"
  local dir name n=0
  for dir in k8s/overlays/*/; do
    name="$(basename "$dir")"
    kubectl kustomize "$dir" > "$OUT/$name.yaml" || die "overlay $name does not build"
    log "kustomize: $name: $(grep -c '^kind:' "$OUT/$name.yaml") resources"
    n=$((n + 1))
  done
  ((n >= 2)) || die "expected the overlays cpu-nano and gpu, found $n"
}

ensure_tools
check_compose
render_kustomize
node deploy/schema-check/check.mjs "$OUT"/*.yaml
log "all checks passed"
