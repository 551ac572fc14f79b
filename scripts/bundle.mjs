// Bundles one entry of the package with esbuild (minified ESM, the wasm-bindgen glue inlined):
//   node scripts/bundle.mjs <entry.ts> <out.js> [glue dir]
// With a glue dir, js/wasm.ts's import of "./wasm/nats_wasm.js" resolves to that dir's glue
// instead: the core-only entry (js/core.ts) is bundled with the glue of the wasm built without
// the JetStream engine (scripts/build.sh), so its bundle names no function that wasm lacks.
// Must not: bundle anything but the one entry, or touch files other than <out.js>.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.resolve(".tools/node_modules/"));
const esbuild = require("esbuild");
const [entry, outfile, glueDir] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error("usage: node scripts/bundle.mjs <entry.ts> <out.js> [glue dir]");
  process.exit(2);
}

/** Points the glue import of js/wasm.ts at glueDir's nats_wasm.js. */
const glueRedirect = {
  name: "glue-redirect",
  setup(build) {
    build.onResolve({ filter: /^\.\/wasm\/nats_wasm\.js$/ }, () => ({
      path: path.resolve(glueDir, "nats_wasm.js"),
    }));
  },
};

const result = await esbuild.build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  logLevel: "warning",
  banner: { js: '/* @ts-self-types="./mod.d.ts" */' },
  plugins: glueDir ? [glueRedirect] : [],
});
// A warning here is a defect shipped (e.g. an import the core glue lacks, left undefined).
if (result.warnings.length) process.exit(1);
