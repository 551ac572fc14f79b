#!/usr/bin/env bash
# Packs dist/ with `npm pack`, unpacks the tarball elsewhere and uses it from Deno by file path
# (type-checked against the shipped declarations, then run against the default test server):
# proves the npm package is complete on its own. Then uses the tarball where users are
# (docs/toolchain.md "Packaging"): installed into a fresh Vite app built with Vite's defaults
# (the current Vite, and Vite 6, whose default target refuses top-level await) and run in headless
# Chromium; installed into a fresh Node project, imported, and run over Node's WebSocket; and
# dist/ as a JSR package through `deno publish --dry-run`. Each use also loads the core-only entry
# (`nats-wasm/core`), and scripts/sizes.sh --check holds both entries to their size budgets.
# Prints `package: N passed, N failed`.
# Needs `scripts/setup.sh test` (Vite in .tools/vite) and a build.
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
work=.tmp/package
rm -rf "$work" && mkdir -p "$work"
passed=0 failed=0
step() {
  local name="$1"; shift
  if "$@" >"$work/step.log" 2>&1; then
    passed=$((passed + 1)); echo "package ok: $name"
  else
    failed=$((failed + 1)); echo "package FAILED: $name"; tail -20 "$work/step.log"
  fi
}
step "size: each entry within its gzipped budget (scripts/sizes.sh --check)" scripts/sizes.sh --check
step "npm pack" bash -c "cd dist && npm pack --silent --pack-destination ../$work >/dev/null"
step "unpack" tar -xzf "$work"/nats-wasm-*.tgz -C "$work"
cp tests/package/smoke.ts "$work/package/smoke.ts"
step "deno check against the shipped .d.ts" deno check "$work/package/smoke.ts"
step "publish, subscribe and request through the unpacked package" \
  bash -c "scripts/nats-server.sh start default >/dev/null && deno run -A $work/package/smoke.ts"

ws=ws://127.0.0.1:14280   # the default test server (tests/nats/default.conf)
tgz=$(ls "$PWD/$work"/nats-wasm-*.tgz)
# app_from_tarball DIR: a fresh npm project in DIR with the packed package installed by name
app_from_tarball() {
  mkdir -p "$1" &&
    printf '{"name":"%s","private":true,"type":"module"}\n' "$(basename "$1")" >"$1/package.json" &&
    (cd "$1" && npm install --no-audit --no-fund --silent "$tgz")
}
# vite_page NAME VITE_JS: builds tests/package/vite_app/ with that Vite (no config file: its
# defaults), then runs the built page in Chromium against the default server
vite_page() {
  local app="$work/$1"
  cp -r tests/package/vite_app "$app" && app_from_tarball "$app" &&
    (cd "$app" && node "$2" build --logLevel warn) &&
    scripts/nats-server.sh start default >/dev/null &&
    node tests/package/vite_page.mjs "$app/dist" "$ws"
}
vite=$PWD/.tools/vite/node_modules   # versions: scripts/setup.sh
step "vite build (current Vite), the page in chromium: publish, subscribe, request" \
  vite_page vite-app "$vite/vite/bin/vite.js"
step "vite build (Vite 6: no top-level await), the page in chromium" \
  vite_page vite6-app "$vite/vite6/bin/vite.js"
# node_import: a fresh Node project imports the package by name: no throw, connect a function
node_import() {
  app_from_tarball "$work/node-app" && (cd "$work/node-app" && node -e "
    import('nats-wasm').then((m) => {
      if (typeof m.connect !== 'function') throw new Error('connect is ' + typeof m.connect);
    })")
}
step "node: import('nats-wasm') does not throw, connect is a function" node_import
# Node 20 has WebSocket behind a flag (Node 22 by default and accepts the flag)
cp tests/package/node_smoke.mjs "$work/node-app/"
step "node: nkeys before connect, publish, subscribe and request over Node's WebSocket" \
  bash -c "scripts/nats-server.sh start default >/dev/null &&
    cd $work/node-app && node --experimental-websocket node_smoke.mjs $ws"
# outside the repository: `deno publish` refuses uncommitted changes in a git work tree
jsr=$(mktemp -d)
step "jsr: deno publish --dry-run of dist/" \
  bash -c "cp -r dist/. $jsr/ && cd $jsr && deno publish --dry-run"
rm -rf "$jsr"
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
