#!/usr/bin/env bash
# The authentication tests' material and servers, made fresh on every `generate` (nothing secret is
# committed): a throwaway CA and a server certificate for 127.0.0.1 (openssl), then operator,
# account and user keys, JWTs, creds files and three nats-server configs (tests/auth/gen_auth.rs),
# all under .tmp/auth/.
#
#   tests/auth/fixtures.sh generate   make .tmp/auth/ (CA, certificate, keys, JWTs, configs)
#   tests/auth/fixtures.sh start      generate, then start the auth-users, auth-operator and
#                                     auth-wss servers (scripts/nats-server.sh; ports 16xxx)
#   tests/auth/fixtures.sh stop       stop them
#
# Outputs the tests read: .tmp/auth/fixtures.json (URLs, users, seeds, JWTs, creds paths),
# .tmp/auth/tls/ca.pem (Deno: --cert), .tmp/auth/tls/spki.txt (Chromium:
# --ignore-certificate-errors-spki-list, the base64 SHA-256 of the server key's SPKI).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/.tmp/auth"
TLS="$OUT/tls"
SERVERS=(auth-users:users auth-operator:operator auth-wss:wss)

generate() {
  command -v openssl >/dev/null 2>&1 || { echo "fixtures.sh: openssl is missing (scripts/setup.sh test installs it)" >&2; exit 1; }
  rm -rf "$OUT" && mkdir -p "$TLS"
  # A CA valid for a day, and a server certificate it signs for 127.0.0.1 and localhost.
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=nats-wasm test CA" \
    -keyout "$TLS/ca-key.pem" -out "$TLS/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$TLS/server-key.pem" -out "$TLS/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$TLS/ext.cnf"
  openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca-key.pem" \
    -CAcreateserial -days 1 -extfile "$TLS/ext.cnf" -out "$TLS/server.pem" 2>/dev/null
  openssl x509 -in "$TLS/server.pem" -pubkey -noout | openssl pkey -pubin -outform der |
    openssl dgst -sha256 -binary | openssl base64 -A >"$TLS/spki.txt"
  cargo run --quiet --example gen_auth -- "$OUT" "$TLS/server.pem" "$TLS/server-key.pem" >/dev/null
}

case "${1:-}" in
generate) generate ;;
start)
  # servers still running hold the previous keys: stop them before making new ones
  for s in "${SERVERS[@]}"; do scripts/nats-server.sh stop "${s%%:*}" >/dev/null 2>&1 || true; done
  generate
  for s in "${SERVERS[@]}"; do scripts/nats-server.sh start "${s%%:*}" "$OUT/${s##*:}.conf" >/dev/null; done
  ;;
stop)
  for s in "${SERVERS[@]}"; do scripts/nats-server.sh stop "${s%%:*}" >/dev/null 2>&1 || true; done
  ;;
*)
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
