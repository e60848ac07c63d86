#!/bin/sh
# Copies a model bundle from the object store to the folder a model service loads it from, before the service
# starts (Kubernetes init container, compose one-shot service; both run the minio/mc image).
#
#   NEXTGPT_BUNDLE_URL      s3://<bucket>/<prefix>/ holding bundle.json and its files; unset or empty: nothing to
#                           fetch, the service uses the bundle already mounted at NEXTGPT_BUNDLE_PATH
#   NEXTGPT_BUNDLE_PATH     the folder the service loads (replaced only by a complete copy)
#   NEXTGPT_BUNDLE_EXCLUDE  space-separated file patterns the service does not load (other tiers' components)
#   NEXTGPT_S3_ENDPOINT, NEXTGPT_S3_ACCESS_KEY, NEXTGPT_S3_SECRET_KEY   the object store
#
# Checksums: the service's BundleLoader checks the size and sha256 of every file it loads against bundle.json and
# refuses to start otherwise (the message names the file), so a corrupt or partial copy never serves.
set -eu

if [ -z "${NEXTGPT_BUNDLE_URL:-}" ]; then
  echo "bundle-fetch: NEXTGPT_BUNDLE_URL is not set; the service loads the bundle mounted at ${NEXTGPT_BUNDLE_PATH:-?}"
  exit 0
fi
case "$NEXTGPT_BUNDLE_URL" in
  s3://?*) ;;
  *) echo "bundle-fetch: NEXTGPT_BUNDLE_URL must look like s3://bucket/bundles/name/, was '$NEXTGPT_BUNDLE_URL'" >&2; exit 2 ;;
esac
: "${NEXTGPT_BUNDLE_PATH:?bundle-fetch: NEXTGPT_BUNDLE_PATH is not set}"
: "${NEXTGPT_S3_ENDPOINT:?bundle-fetch: NEXTGPT_S3_ENDPOINT is not set}"

export MC_CONFIG_DIR="${MC_CONFIG_DIR:-/tmp/.mc}"
src="store/${NEXTGPT_BUNDLE_URL#s3://}"
src="${src%/}/"
target="${NEXTGPT_BUNDLE_PATH%/}"
staging="$target.partial"

mc alias set store "$NEXTGPT_S3_ENDPOINT" "${NEXTGPT_S3_ACCESS_KEY:-}" "${NEXTGPT_S3_SECRET_KEY:-}" > /dev/null
if ! mc stat "${src}bundle.json" > /dev/null 2>&1; then
  echo "bundle-fetch: no bundle.json under $NEXTGPT_BUNDLE_URL (upload the bundle folder there first)" >&2
  exit 1
fi

# Mirror into a staging folder that starts from the previous copy (only changed files move), then swap it in.
mkdir -p "$(dirname "$target")"
if [ -d "$target" ] && [ ! -d "$staging" ]; then
  mv "$target" "$staging"
fi
mkdir -p "$staging"
set -f # the patterns are for mc, not for this shell
set --
for pattern in ${NEXTGPT_BUNDLE_EXCLUDE:-}; do
  set -- "$@" --exclude "$pattern"
done
set +f
echo "bundle-fetch: $NEXTGPT_BUNDLE_URL -> $target${NEXTGPT_BUNDLE_EXCLUDE:+ (without $NEXTGPT_BUNDLE_EXCLUDE)}"
mc mirror --quiet --overwrite --remove "$@" "$src" "$staging/"
[ -f "$staging/bundle.json" ] || { echo "bundle-fetch: bundle.json missing after the copy" >&2; exit 1; }
rm -rf "$target"
mv "$staging" "$target"
echo "bundle-fetch: done ($(du -sh "$target" 2> /dev/null | cut -f1) in $target)"
