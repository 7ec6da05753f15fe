#!/usr/bin/env bash
# Soak of `cfsign serve`: REQUESTS requests (default 10,000) on 127.0.0.1 from a bounded
# curl loop, mixed valid and invalid, in batches of 1,000; after each batch the server's
# resident memory is sampled. Fails if any answer is not the expected one (200/206 for
# valid requests, 403 with the right code for the invalid ones). Prints requests/s and
# the memory samples. Run by hand for the README/report numbers; no timing asserts.
#
#   bench/serve-soak.sh                    # builds target/release/cfsign --features serve
#   CFSIGN=path/to/cfsign REQUESTS=2000 bench/serve-soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${REQUESTS:-10000}
PARALLEL=${PARALLEL:-4}
BATCH=1000
if [ -z "${CFSIGN:-}" ]; then
  cargo build --release --features serve -q
  CFSIGN=target/release/cfsign
fi
KEY=tests/data/keys/rsa2048_pkcs1.pem
PUB=tests/data/keys/rsa2048_public.pem
KPID=K2JCJMDEHXQW5F

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

mkdir -p "$work/site/media"
for i in $(seq 0 99); do head -c 4096 /dev/urandom > "$work/site/media/f$i.bin"; done

"$CFSIGN" serve --listen 127.0.0.1:0 --dir "$work/site" --key "$KPID=$PUB" \
  > "$work/addr" 2> "$work/access.log" &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/addr" ] && break; sleep 0.1; done
base=$(head -1 "$work/addr")
case "$base" in http://127.0.0.1:*) ;; *) echo "serve-soak: the server did not start" >&2; cat "$work/access.log" >&2; exit 1 ;; esac

# 100 signed URLs (one per file), signed in one batch.
for i in $(seq 0 99); do echo "$base/media/f$i.bin"; done \
  | "$CFSIGN" --private-key "$KEY" --key-pair-id "$KPID" --expires-in 2h > "$work/signed.txt"
mapfile -t signed < "$work/signed.txt"

# One batch: a curl config of BATCH requests, the mix repeating every 10 requests:
# 6 signed (200), 1 signed with Range (206), 1 unsigned (403 MissingKey),
# 1 with a parameter appended after signing (403 AccessDenied), 1 unknown key (403 InvalidKey).
make_batch() {
  local cfg=$1 n=0
  : > "$cfg"
  while [ $n -lt $BATCH ]; do
    local u=${signed[$((n % 100))]}
    case $((n % 10)) in
      6) printf 'url = "%s"\nheader = "Range: bytes=0-99"\n' "$u" ;;
      7) printf 'url = "%s"\n' "$base/media/f$((n % 100)).bin" ;;
      8) printf 'url = "%s&utm_source=mail"\n' "$u" ;;
      9) printf 'url = "%s"\n' "${u/Key-Pair-Id=$KPID/Key-Pair-Id=KUNKNOWNKEY01}" ;;
      *) printf 'url = "%s"\n' "$u" ;;
    esac >> "$cfg"
    # Options after `next` belong to the next transfer only: each has its own.
    printf 'output = "/dev/null"\nnoproxy = "*"\nmax-time = 60\nwrite-out = "%%{http_code} %%{exitcode}\\n"\n' >> "$cfg"
    n=$((n + 1))
    if [ $n -lt $BATCH ]; then echo next >> "$cfg"; fi
  done
}
make_batch "$work/batch.cfg"

rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
echo "server pid $server_pid, RSS at start: $(rss) KiB"
batches=$((REQUESTS / BATCH))
start=$(date +%s.%N)
: > "$work/codes"
for b in $(seq 1 $batches); do
  curl -s --noproxy '*' --max-time 120 --parallel --parallel-max "$PARALLEL" \
    -K "$work/batch.cfg" >> "$work/codes" 2>/dev/null
  echo "after $((b * BATCH)) requests: RSS $(rss) KiB"
done
end=$(date +%s.%N)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")

total=$(wc -l < "$work/codes")
c200=$(grep -c '^200 0$' "$work/codes" || true)
c206=$(grep -c '^206 0$' "$work/codes" || true)
c403=$(grep -c '^403 0$' "$work/codes" || true)
other=$((total - c200 - c206 - c403))
[ "$((total - c200 - c206 - c403))" -eq 0 ] || { echo "other answers (status, curl exit code):"; grep -v -E '^(200|206|403) 0$' "$work/codes" | sort | uniq -c; }
echo "requests: $total  200: $c200  206: $c206  403: $c403  other: $other"
# The access log must hold exactly the expected refusal codes.
missing=$(grep -c ' 403 MissingKey ' "$work/access.log" || true)
denied=$(grep -c ' 403 AccessDenied ' "$work/access.log" || true)
invalid=$(grep -c ' 403 InvalidKey ' "$work/access.log" || true)
echo "log: MissingKey $missing  AccessDenied $denied  InvalidKey $invalid"
awk -v s="$start" -v e="$end" -v n="$total" 'BEGIN { printf "%.0f requests/s (%d requests in %.2f s, %s parallel)\n", n / (e - s), n, e - s, '"$PARALLEL"' }'
echo "peak RSS (VmHWM): $hwm KiB"
expect=$((batches * BATCH / 10))
if [ "$total" -ne $((batches * BATCH)) ] || [ "$other" -ne 0 ] \
  || [ "$c206" -ne "$expect" ] || [ "$c403" -ne $((3 * expect)) ] \
  || [ "$missing" -ne "$expect" ] || [ "$denied" -ne "$expect" ] || [ "$invalid" -ne "$expect" ]; then
  echo "serve-soak: unexpected answers" >&2
  exit 1
fi
echo "serve-soak: ok"
