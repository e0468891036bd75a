#!/usr/bin/env bash
# Side by side, in one run: `veriff serve` against Prism (Stoplight's generic OpenAPI
# mock server) serving the same spec, same wrk settings, alternating rounds.
#
#   cargo build --release -p veriff-cli
#   (mkdir -p /tmp/prism && cd /tmp/prism && npm install @stoplight/prism-cli)
#   mock/scripts/compare-prism.sh [ROUNDS] [DURATION]      # default 3 15s
#
# Prism answers the spec's first 200 example (384 bytes, unsigned, no signature
# check); veriff serve checks the request's HMAC and signs its answer (532 bytes).
# Needs wrk, curl, openssl. PRISM_DIR overrides /tmp/prism.
set -euo pipefail
ROUNDS=${1:-3}
DURATION=${2:-15s}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${VERIFF_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/veriff}
PRISM_DIR=${PRISM_DIR:-/tmp/prism}
KEY=11111111-2222-4333-8444-555555555555
SECRET=load-test-secret
SESSION=00000000-0000-4000-8000-000000000002
SIG=$(printf %s "$SESSION" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')

[ -x "$BIN" ] || { echo "error: $BIN not found: run cargo build --release -p veriff-cli" >&2; exit 2; }
[ -x "$PRISM_DIR/node_modules/.bin/prism" ] || { echo "error: Prism not found in $PRISM_DIR: see the header of this script" >&2; exit 2; }

"$BIN" serve --addr 127.0.0.1:18091 --api-key "$KEY" --shared-secret "$SECRET" >/dev/null 2>&1 &
VERIFF=$!
"$PRISM_DIR/node_modules/.bin/prism" mock -p 18092 -h 127.0.0.1 "$ROOT/openapi/veriff-attempts.yaml" >/dev/null 2>&1 &
PRISM=$!
trap 'kill $VERIFF $PRISM 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:18092/" && curl -s -o /dev/null "http://127.0.0.1:18091/" && break
  sleep 0.2
done

for round in $(seq "$ROUNDS"); do
  for server in veriff:18091 prism:18092; do
    printf '%s round %s: ' "${server%%:*}" "$round"
    wrk -t1 -c50 -d"$DURATION" --latency -H "X-AUTH-CLIENT: $KEY" -H "X-HMAC-SIGNATURE: $SIG" \
      "http://127.0.0.1:${server##*:}/v1/sessions/$SESSION/attempts" |
      awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /Non-2xx|Socket errors/ {err=err " " $0}
           END {printf "%s req/s, p50 %s, p99 %s%s\n", rps, p50, p99, err}'
  done
done
echo "peak RSS: veriff $(awk '/VmHWM/ {print $2 " kB"}' /proc/$VERIFF/status)"
for pid in $(pgrep -P "$PRISM") "$PRISM"; do
  awk -v p="$pid" '/VmHWM/ {print "peak RSS: prism process " p " " $2 " kB"}' "/proc/$pid/status" 2>/dev/null || true
done
