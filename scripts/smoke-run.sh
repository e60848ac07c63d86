#!/usr/bin/env bash
# Smoke test of the launcher itself: ./nextgpt run from another working directory, on the packaged CLI, with
# ffprobe checking every output. The JUnit tests cover the CLI's behaviour; this covers the script and classpath.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
"$ROOT/nextgpt" run --text "draw a red circle" --outputs image,audio,video --seed 3 --out out > summary.json
probe() { ffprobe -v error -count_frames -show_entries "stream=$2" -of csv=p=0 "$1"; }
[[ "$(probe out/image-0.png codec_name,width,height)" == "png,32,32" ]] || { echo "smoke: bad image" >&2; exit 1; }
[[ "$(probe out/audio-0.wav codec_name,sample_rate)" == "pcm_s16le,16000" ]] || { echo "smoke: bad audio" >&2; exit 1; }
IFS=, read -r codec frames < <(probe out/video-0.mp4 codec_name,nb_read_frames)
[[ "$codec" == "h264" && "$frames" -ge 8 ]] || { echo "smoke: bad video ($codec, $frames frames)" >&2; exit 1; }
if "$ROOT/nextgpt" run --text hi --outputs smell --out out2 2> err.txt; then
  echo "smoke: an unknown modality must fail" >&2; exit 1
fi
[[ $(wc -l < err.txt) -eq 1 ]] || { echo "smoke: expected one error line, got:" >&2; cat err.txt >&2; exit 1; }
mkdir cases
printf '%s\n' '{"id": "one", "text": "draw a red circle", "outputs": ["image"], "max_tokens": 4}' '{"id": "two", "text": "hi", "media": [{"modality": "audio", "path": "absent.wav"}]}' > cases/cases.jsonl
"$ROOT/nextgpt" eval --cases cases/cases.jsonl --out eval-out --batch 2 > eval-summary.txt 2> eval-err.txt \
  || { echo "smoke: eval failed:" >&2; cat eval-err.txt >&2; exit 1; }
[[ "$(probe eval-out/one/image-0.png codec_name,width,height)" == "png,32,32" ]] || { echo "smoke: eval: bad image" >&2; exit 1; }
[[ $(wc -l < eval-out/results.jsonl) -eq 2 ]] && grep -q '"id":"two".*absent.wav' eval-out/results.jsonl \
  || { echo "smoke: eval: unexpected results:" >&2; cat eval-out/results.jsonl >&2; exit 1; }
echo "smoke: ./nextgpt run wrote png 32x32, wav 16 kHz, mp4 h264 with $frames frames; bad input gave one line: $(cat err.txt)"
echo "smoke: ./nextgpt eval: $(cat eval-summary.txt)"
