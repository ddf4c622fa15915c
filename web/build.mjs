// Builds the dashboard's static assets into the directory given as the first argument
// (default: dist/): index.html, dashboard.js (src/dashboard.js with uPlot, bundled and
// minified) and dashboard.css (src/dashboard.css with uPlot's stylesheet). CMake runs it
// (src/server/CMakeLists.txt) and embeds the result in the server; nothing is fetched.
// Without web/node_modules it warns and writes nothing.
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] || path.join(here, "dist"));

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  // No web/node_modules: the server is built without the dashboard and says how to build it.
  console.warn("web/build.mjs: esbuild is not installed (scripts/install-deps installs it); the dashboard is not built");
  process.exit(0);
}
mkdirSync(out, { recursive: true });

await esbuild.build({
  entryPoints: [path.join(here, "src", "dashboard.js"), path.join(here, "src", "dashboard.css")],
  outdir: out,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "eof",
  logLevel: "warning",
});
copyFileSync(path.join(here, "src", "index.html"), path.join(out, "index.html"));
