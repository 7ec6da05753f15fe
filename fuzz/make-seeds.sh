#!/usr/bin/env bash
# Remakes the seed corpus in fuzz/corpus/ from the project's test keys and the cfsign
# binary (signed URLs and cookies made with the fuzz targets' key pair IDs). The seeds
# are committed; run this only to refresh them. Usage: fuzz/make-seeds.sh [CFSIGN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/cfsign}
[ -x "$bin" ] || cargo build --quiet
out=fuzz/corpus
keys=tests/data/keys
rsa=(--private-key keys/private_key.pem --key-pair-id KFUZZRSAEXAMPLE)
ec=(--private-key $keys/ec_p256_pkcs8.pem --key-pair-id KFUZZECEXAMPLE)
u=https://d111111abcdef8.cloudfront.net
mkdir -p $out/{url_check,policy_json,key_pem,key_der,key_encrypted,cookie_parse,verify_url,time_parse,round_trip}

# The 13-byte request context the verify and cookie targets read first: time (8 bytes
# little-endian), a flag (1: a client address follows), an IPv4 address.
ctx() { python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('<qB4B', $1, $2, *map(int, '$3'.split('.'))))"; }
at=1767225600 # 2026-01-01T00:00:00Z

printf '%s' "$u/image.jpg" > $out/url_check/plain
printf '%s' "HTTPS://D1.Example:443/a/../b c?x=<1>#frag" > $out/url_check/odd
printf '%s' "https://bucket.s3.amazonaws.com/a*b?Expires=1" > $out/url_check/s3
printf '%s\n%s' "$u/videos/*" "$u/videos/a.mp4?x=1" > $out/url_check/pattern

printf '%s' '{"Statement":[{"Resource":"https://d1.example/a","Condition":{"DateLessThan":{"AWS:EpochTime":1767225600}}}]}' > $out/policy_json/canned
printf '%s' '{"Statement":[{"Resource":"https://d1.example/v/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767225600},"DateGreaterThan":{"AWS:EpochTime":1767000000},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}' > $out/policy_json/custom
printf '%s' '{"Statement":[{"Resource":"a","Resource":"b"}]}' > $out/policy_json/duplicate
printf '%s' '203.0.113.7/32' > $out/policy_json/ip

for f in rsa2048_pkcs1.pem rsa2048_pkcs8.pem ec_p256_sec1_with_params.pem ec_p256_public.pem rsa2048_pkcs8_encrypted.pem ec_p384_sec1.pem; do
  { printf '\0'; cat $keys/$f; } > $out/key_pem/${f%.pem}
done
# The CI form: one line with literal \n sequences, passphrase 1 ("fuzz passphrase").
{ printf '\1'; awk '{printf "%s\\n", $0}' $keys/ec_p256_pkcs8.pem; } > $out/key_pem/escaped

# Structure-aware targets read their input through `arbitrary`: any bytes are valid.
for t in key_der key_encrypted round_trip; do
  for i in 1 2 3 4; do head -c $((64 * i)) /dev/urandom > $out/$t/random$i; done
done
# key_der: the DER of real keys (after a tag-choice prefix) gives the parsers real shapes.
for f in rsa2048_pkcs8.pem ec_p256_sec1.pem; do
  { printf '\1'; sed '/-----/d' $keys/$f | base64 -d; } > $out/key_der/${f%.pem}
done

ctx $at 0 0.0.0.0 > /tmp/ctx.$$
for f in "$u/image.jpg" "$u/a.jpg?x=1"; do
  n=$(printf '%s' "$f" | md5sum | cut -c1-8)
  { cat /tmp/ctx.$$; "$bin" "${rsa[@]}" --now 2026-01-01 --date-less-than 2026-02-01 "$f" | tr -d '\n'; } > $out/verify_url/rsa-$n
  { cat /tmp/ctx.$$; "$bin" "${ec[@]}" --hash-algorithm SHA256 --now 2026-01-01 --date-less-than 2026-02-01 "$f" | tr -d '\n'; } > $out/verify_url/ec-$n
done
{ ctx $at 1 192.0.2.9; "$bin" "${rsa[@]}" --now 2026-01-01 --date-less-than 2026-02-01 --date-greater-than 2025-12-01 --ip-address 192.0.2.0/24 "$u/c.jpg" | tr -d '\n'; } > $out/verify_url/custom
{ ctx $at 0 0.0.0.0; printf '%s' "https://d1.example/a?Expires=1&Signature=abc~-_&Key-Pair-Id=K#f"; } > $out/verify_url/broken

for fmt in header set-cookie json netscape; do
  { cat /tmp/ctx.$$; echo "$u/videos/a.mp4"; "$bin" cookies "${ec[@]}" --now 2026-01-01 --date-less-than 2026-02-01 --cookie-domain d111111abcdef8.cloudfront.net --format $fmt "$u/videos/*"; } > $out/cookie_parse/$fmt
done
{ cat /tmp/ctx.$$; echo "$u/a"; printf 'Cookie: CloudFront-Expires=1; CloudFront-Signature=x\n'; } > $out/cookie_parse/short
rm -f /tmp/ctx.$$

printf '%s' 1767225600 > $out/time_parse/epoch
printf '%s' 2026-01-01T12:00:00+02:00 > $out/time_parse/rfc3339
printf '%s' 2026-01-01 > $out/time_parse/date
printf '%s' 1h30m > $out/time_parse/duration
printf '%s' 02/01/2026 > $out/time_parse/slash
