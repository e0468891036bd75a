#!/usr/bin/env bash
# Load test of `veriff serve`: wrk from a second process on loopback against the
# documented 200 (multiple_attempts_mixed_statuses, 532 bytes, signed), with the
# server's RSS sampled every 5 s. Prints wrk's report, then the memory figures.
#
#   cargo build --release -p veriff-cli
#   mock/scripts/load.sh [DURATION] [WRK_THREADS] [CONNECTIONS]    # default 60s 1 50
#
# Needs wrk, curl and openssl (Debian: apt-get install -y wrk curl openssl).
# VERIFF_BIN overrides the binary (default: $CARGO_TARGET_DIR or target, /release/veriff).
set -euo pipefail
DURATION=${1:-60s}
THREADS=${2:-1}
CONNECTIONS=${3:-50}
BIN=${VERIFF_BIN:-${CARGO_TARGET_DIR:-target}/release/veriff}
PORT=${PORT:-18090}
KEY=11111111-2222-4333-8444-555555555555
SECRET=load-test-secret
SESSION=00000000-0000-4000-8000-000000000002
URL=http://127.0.0.1:$PORT/v1/sessions/$SESSION/attempts
SIGNATURE=$(printf %s "$SESSION" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')

[ -x "$BIN" ] || { echo "error: $BIN not found: run cargo build --release -p veriff-cli" >&2; exit 2; }
command -v wrk >/dev/null || { echo "error: wrk not found: apt-get install -y wrk" >&2; exit 2; }

# One log line per request stays on, written to /dev/null.
"$BIN" serve --addr "127.0.0.1:$PORT" --api-key "$KEY" --shared-secret "$SECRET" >/dev/null 2>&1 &
SERVER=$!
SAMPLES=$(mktemp)
trap 'kill -INT $SERVER 2>/dev/null || true; rm -f "$SAMPLES"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done

check() {
  curl -s -o /dev/null -w "check: HTTP %{http_code}, %{size_download} bytes\n" \
    -H "X-AUTH-CLIENT: $KEY" -H "X-HMAC-SIGNATURE: $SIGNATURE" "$URL"
}
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$SERVER/status"; }

check
echo "RSS before: $(rss)"
( i=0; while kill -0 "$SERVER" 2>/dev/null; do sleep 5; i=$((i + 5)); echo "t=${i}s RSS $(rss)"; done ) >"$SAMPLES" 2>/dev/null &
SAMPLER=$!
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  -H "X-AUTH-CLIENT: $KEY" -H "X-HMAC-SIGNATURE: $SIGNATURE" "$URL"
kill "$SAMPLER" 2>/dev/null || true
check
echo "RSS after: $(rss)"
echo "peak RSS (VmHWM): $(awk '/VmHWM/ {print $2 " kB"}' "/proc/$SERVER/status")"
echo "RSS samples: $(tr '\n' ';' <"$SAMPLES")"
