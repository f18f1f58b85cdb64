// Bundles the CLI and the embedding API with esbuild. Runs on `npm ci`
// (the `prepare` script) so `bin/harn.mjs` works right after install; one
// bundle keeps CLI start-up near `node -e 0` (see docs/decisions/0001).
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  // Node's ESM bundles need `require` for the odd CommonJS dependency.
  banner: {
    js: "import { createRequire as __harnCreateRequire } from 'node:module'; const require = __harnCreateRequire(import.meta.url);",
  },
};

await Promise.all([
  build({ ...common, entryPoints: ["src/cli/main.ts"], outfile: "dist/harn.mjs" }),
  build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.mjs" }),
]);
