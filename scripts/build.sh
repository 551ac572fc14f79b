#!/usr/bin/env bash
# Builds the package into dist/: release wasm -> wasm-bindgen (web target, into js/wasm/) ->
# wasm-opt -Oz -> esbuild bundles js/mod.ts (with the glue) into dist/mod.js -> tsc emits the
# declarations -> pkg-template/ supplies package.json and README.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/.tools/node_modules/.bin:$PATH"

cargo build --quiet --release --target wasm32-unknown-unknown --lib
rm -rf js/wasm
wasm-bindgen --target web --out-dir js/wasm --out-name nats_wasm \
  target/wasm32-unknown-unknown/release/nats_wasm.wasm
# -Oz: smallest output; the engine's hot paths are short loops where size and speed agree.
wasm-opt -Oz --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals js/wasm/nats_wasm_bg.wasm -o js/wasm/nats_wasm_bg.wasm

rm -rf dist && mkdir -p dist
esbuild js/mod.ts --bundle --minify --format=esm --target=es2022 --log-level=warning \
  --banner:js='/* @ts-self-types="./mod.d.ts" */' --outfile=dist/mod.js
cp js/wasm/nats_wasm_bg.wasm dist/nats_wasm_bg.wasm
tsc -p pkg-template/tsconfig.types.json
# tsc keeps the sources' `.ts` specifiers in the declarations. Point them at `.js` and give each
# declaration a JS stub that names it with @ts-self-types: Deno follows the stub, while tsc
# (bundler or node resolution) finds the `.d.ts` beside the `.js` by itself.
mkdir -p dist/types/wasm
cp js/wasm/nats_wasm.d.ts dist/types/wasm/nats_wasm.d.ts
find dist/types -name '*.d.ts' | while read -r d; do
  sed -i -E 's#((from|import) *\(? *"\.\.?/[^"]+)\.ts"#\1.js"#g' "$d"
  base=$(basename "$d" .d.ts)
  printf '/* @ts-self-types="./%s.d.ts" */\nexport {};\n' "$base" >"${d%.d.ts}.js"
done
cp pkg-template/package.json pkg-template/README.md pkg-template/mod.d.ts dist/
node -e '
  const fs = require("fs");
  const p = JSON.parse(fs.readFileSync("dist/package.json", "utf8"));
  const toml = fs.readFileSync("Cargo.toml", "utf8");
  p.version = /^version = "([^"]+)"/m.exec(toml)[1];
  fs.writeFileSync("dist/package.json", JSON.stringify(p, null, 2) + "\n");
'
# A wasm import other than the glue module means a crate left a host hook unresolved
# (e.g. getrandom without its js feature): the module would fail to load.
node -e '
  const m = new WebAssembly.Module(require("fs").readFileSync("dist/nats_wasm_bg.wasm"));
  const bad = WebAssembly.Module.imports(m).filter((i) => i.module !== "./nats_wasm_bg.js" && i.module !== "wbg");
  if (bad.length) { console.error("unexpected wasm imports:", bad); process.exit(1); }
'
printf 'built dist/: mod.js %s B, nats_wasm_bg.wasm %s B (gzip: %s B, %s B)\n' \
  "$(wc -c <dist/mod.js)" "$(wc -c <dist/nats_wasm_bg.wasm)" \
  "$(gzip -9c dist/mod.js | wc -c)" "$(gzip -9c dist/nats_wasm_bg.wasm | wc -c)"
