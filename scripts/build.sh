#!/usr/bin/env bash
# Builds the package into dist/, two entries from one crate:
# - the full entry (dist/mod.js + dist/nats_wasm_bg.wasm): the crate's default features, JetStream
#   engine included;
# - the core-only entry (dist/core/mod.js + dist/core/nats_wasm_bg.wasm): js/core.ts over the wasm
#   built with --no-default-features (no src/jetstream, docs/design.md "Size").
# Each wasm: wasm-pack (release + wasm-bindgen, web target, into target/wasm-pack*/) -> wasm-opt
# -Oz there -> glue and .wasm copied into js/wasm*/ -> scripts/bundle.mjs (esbuild) bundles the
# entry with its glue. tsc emits the declarations; pkg-template/ supplies package.json, jsr.json
# and README. Prints the gzipped sizes; tests/package/size_test.sh holds them to their budgets.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/.tools/node_modules/.bin:$PATH"

# engine OUT_DIR JS_DIR CARGO_ARGS...: one wasm-pack package of the engine, optimised, copied to JS_DIR.
engine() {
  local pkg="$1" dir="$2"
  shift 2
  # Offline (docs/toolchain.md "wasm-pack offline"): --mode no-install uses the pinned
  # wasm-bindgen CLI on PATH and never downloads one; --no-opt keeps wasm-pack from fetching its
  # own wasm-opt, which runs next, from npm's binaryen.
  CARGO_TERM_QUIET=true wasm-pack --log-level warn build --target web --release \
    --mode no-install --no-opt --out-dir "$pkg" --out-name nats_wasm -- "$@"
  # -Oz: smallest output; the engine's hot paths are short loops where size and speed agree.
  # --converge repeats the passes until the module stops shrinking: ~400 B less gzipped for ~4 s
  # of build. -ocimfs=30: a function called from one place is inlined there only while it is at
  # most 30 binaryen expressions; unbounded (the default) grew the frame parser into a 10 KB
  # function (the CONNECT writer and error paths inside it) that V8 takes ~15 ms to optimise, and
  # cost 4 KB gzipped more, though the module is 4 KB smaller before gzip (docs/design.md
  # "Size" has the flags measured). The producers and target-features sections name the
  # toolchain; nothing reads them at run time (-200 B gzipped).
  wasm-opt -Oz --converge -ocimfs=30 --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals \
    "$pkg/nats_wasm_bg.wasm" -o "$pkg/nats_wasm_bg.wasm"
  rm -rf "$dir" && mkdir -p "$dir"
  for f in nats_wasm.js nats_wasm.d.ts nats_wasm_bg.wasm nats_wasm_bg.wasm.d.ts; do cp "$pkg/$f" "$dir/"; done
}
# --features talc: the package's smaller allocator (src/wasm/alloc.rs).
engine target/wasm-pack js/wasm --features talc
engine target/wasm-pack-core js/wasm-core --no-default-features --features talc

rm -rf dist && mkdir -p dist
mkdir -p dist/core
node scripts/bundle.mjs js/mod.ts dist/mod.js
node scripts/bundle.mjs js/core.ts dist/core/mod.js js/wasm-core
cp js/wasm/nats_wasm_bg.wasm dist/nats_wasm_bg.wasm
cp js/wasm-core/nats_wasm_bg.wasm dist/core/nats_wasm_bg.wasm
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
# package.json for npm, jsr.json for JSR (`deno publish` from dist/): one module, two registries;
# both take the crate's version.
cp pkg-template/{package.json,jsr.json,README.md,mod.d.ts} dist/
cp pkg-template/core.d.ts dist/core/mod.d.ts
node -e '
  const fs = require("fs");
  const toml = fs.readFileSync("Cargo.toml", "utf8");
  for (const f of ["dist/package.json", "dist/jsr.json"]) {
    const p = JSON.parse(fs.readFileSync(f, "utf8"));
    p.version = /^version = "([^"]+)"/m.exec(toml)[1];
    fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n");
  }
'
# A wasm import other than the glue module means a crate left a host hook unresolved
# (e.g. getrandom without its js feature): the module would fail to load.
for w in dist/nats_wasm_bg.wasm dist/core/nats_wasm_bg.wasm; do
  node -e '
    const m = new WebAssembly.Module(require("fs").readFileSync(process.argv[1]));
    const bad = WebAssembly.Module.imports(m).filter((i) => i.module !== "./nats_wasm_bg.js" && i.module !== "wbg");
    if (bad.length) { console.error(process.argv[1], "unexpected wasm imports:", bad); process.exit(1); }
  ' "$w"
done
scripts/sizes.sh
