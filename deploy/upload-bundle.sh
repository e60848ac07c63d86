#!/usr/bin/env bash
# Uploads a model bundle folder to the object store, where bundle-fetch (the init step of every model service on
# Kubernetes, or compose with NEXTGPT_BUNDLE_URL) copies it from: s3://<bucket>/bundles/<name>/.
#   deploy/upload-bundle.sh DIR [NAME]          NAME defaults to the folder's name (models/nano → nano)
# Endpoint and credentials (defaults in brackets): NEXTGPT_S3_ENDPOINT [http://127.0.0.1:9000], NEXTGPT_S3_BUCKET
# [nextgpt], NEXTGPT_S3_ACCESS_KEY [nextgpt], NEXTGPT_S3_SECRET_KEY [nextgpt-local-secret].
# Kubernetes: first `kubectl -n nextgpt port-forward svc/minio 9000:9000` in another terminal.
# Uses `mc` when installed, else the minio/mc image through Docker (real bundles have files over 5 GB, which
# need multipart uploads). The services verify every file's sha256 against bundle.json when they load it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:?usage: deploy/upload-bundle.sh DIR [NAME]}"
[[ -f "$dir/bundle.json" ]] || { echo "upload-bundle: $dir has no bundle.json (not a model bundle)" >&2; exit 2; }
dir="$(cd "$dir" && pwd)"
name="${2:-$(basename "$dir")}"
endpoint="${NEXTGPT_S3_ENDPOINT:-http://127.0.0.1:9000}"
bucket="${NEXTGPT_S3_BUCKET:-nextgpt}"
target="store/$bucket/bundles/$name/"
script="mc alias set store '$endpoint' \"\$AK\" \"\$SK\" > /dev/null && mc mirror --overwrite --remove /bundle/ '$target' && mc ls '$target'"
export AK="${NEXTGPT_S3_ACCESS_KEY:-nextgpt}" SK="${NEXTGPT_S3_SECRET_KEY:-nextgpt-local-secret}"
if command -v mc > /dev/null; then
  mc alias set store "$endpoint" "$AK" "$SK" > /dev/null
  mc mirror --overwrite --remove "$dir/" "$target"
  mc ls "$target"
else
  image="$(sed -n 's/^  mc: *//p' "$ROOT/deploy/services.yaml")"
  docker run --rm --network host -e AK -e SK -v "$dir:/bundle:ro" --entrypoint /bin/sh "$image" -ec "$script"
fi
echo "upload-bundle: $dir -> s3://$bucket/bundles/$name/ (NEXTGPT_BUNDLE_URL=s3://$bucket/bundles/$name/)"
