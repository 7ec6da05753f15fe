#!/usr/bin/env bash
# Regenerates tests/data/guide_resources.json with the reference signer
# (../shared/oracle/openssl_ref.sh) and checks every URL with ../shared/oracle/verify.sh.
# usage (from the repository root): bash tests/data/guide_resources.sh > tests/data/guide_resources.json
set -euo pipefail
export LC_ALL=C
ORACLE=${ORACLE:-../shared/oracle}
KEYS=tests/data/keys
KEY=$KEYS/rsa2048_pkcs1.pem PUB=$KEYS/rsa2048_public.pem KPID=K2JCJMDEHXQW5F EXP=1767290400
D=https://d111111abcdef8.cloudfront.net
H=http://d111111abcdef8.cloudfront.net
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
first=1
echo '{'
echo ' "about": "The Developer Guide resource examples (Create a signed URL using a custom policy, and the examples named in issue 10), signed by the reference signer openssl_ref.sh and checked with the oracle verify.sh (signature). included: whether the Guide says the resource covers the URL.",'
echo ' "generated_by": "tests/data/guide_resources.sh",'
echo ' "key": "rsa2048_pkcs1.pem", "public_key": "rsa2048_public.pem", "key_pair_id": "'$KPID'", "expires": '$EXP', "at": 1767280000,'
echo ' "cases": ['
case_() { # id resource url included [extra openssl_ref args...]
  local id=$1 res=$2 url=$3 inc=$4; shift 4
  local args=()
  if [ "$res" = "NONE" ]; then
    printf '{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":%s}}}]}' "$EXP" > "$TMP/p.json"
    args=(--policy-file "$TMP/p.json")
  else
    args=(--resource "$res")
  fi
  local signed cookies ver
  signed=$("$ORACLE/openssl_ref.sh" "$KEY" "$KPID" "$url" "$EXP" "${args[@]}" "$@")
  cookies=$("$ORACLE/openssl_ref.sh" "$KEY" "$KPID" "$url" "$EXP" "${args[@]}" "$@" --cookies | paste -sd'\t')
  ver=$("$ORACLE/verify.sh" "$PUB" "$signed" 2>&1 | tail -1)
  [ $first = 1 ] || echo ','
  first=0
  python3 -c 'import json,sys; a=sys.argv; print("  "+json.dumps({"id":a[1],"resource":None if a[2]=="NONE" else a[2],"url":a[3],"included":a[4]=="yes","options":json.loads(a[5]),"signed_url":a[6],"cookies":dict(l.split("=",1) for l in a[7].split("\t")),"oracle_verify":a[8]}), end="")' \
    "$id" "$res" "$url" "$inc" "$(python3 -c 'import json,sys; a=sys.argv[1:]; print(json.dumps(dict(zip([x.lstrip("-") for x in a[::2]], a[1::2]))))' "$@")" "$signed" "$cookies" "$ver"
}
case_ one-object "$H/game_download.zip" "$H/game_download.zip" yes --ip 192.0.2.0/24
case_ directory "$H/training/*" "$H/training/orientation.pdf" yes --ip 192.0.2.0/24
case_ directory-other-dir "$H/training/*" "$H/images/orientation.pdf" no --ip 192.0.2.0/24
case_ every-http-object "http://*" "$H/training/orientation.pdf" yes --ip 192.0.2.10/32 --dgt 1767225600
case_ star-game-download-1 "$H/*game_download.zip*" "$H/game_download.zip" yes
case_ star-game-download-2 "$H/*game_download.zip*" "$H/example_game_download.zip?license=yes" yes
case_ star-game-download-3 "$H/*game_download.zip*" "$H/test_game_download.zip?license=temp" yes
case_ query-string "$H/images/horizon.jpg?size=large&license=yes" "$H/images/horizon.jpg?size=large&license=yes" yes --ip 192.0.2.0/24
case_ leading-star "*game_download.zip*" "$D/game_download.zip" yes
case_ leading-star-host "*d111111abcdef8.cloudfront.net/*" "$D/videos/intro.mp4" yes
case_ star-extension "https://*.zip" "$D/downloads/game_download.zip" yes
case_ star-extension-query "https://*.zip" "$D/downloads/game_download.zip?v=2" no
case_ star-host "https://*/game_download.zip" "$D/game_download.zip" yes
case_ star-host-deeper "https://*/game_download.zip" "$D/a/b/game_download.zip" yes
case_ question-host "https://d111111abcdef?.cloudfront.net/*" "$D/videos/intro.mp4" yes
case_ literal-star-in-url "$D/videos/*" "$D/videos/*intro.mp4" yes
case_ literal-star-in-name "$D/a*" "$D/a*b.mp4" yes
case_ literal-star-in-query "$D/search?filter=*" "$D/search?filter=*.mp4" yes
case_ no-resource NONE "$D/any/file.mp4" yes
echo
echo ' ]'
echo '}'
