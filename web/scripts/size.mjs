// Prints the gzipped size of what index.html loads up front (the initial JS and CSS),
// then the lazy chunks. Run after `npm run build`.
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = new Set([...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

let initialJs = 0;
console.log("Initial (loaded by index.html):");
for (const file of initial) {
  const size = gz(file);
  if (file.endsWith(".js")) initialJs += size;
  console.log(`  ${file}  ${kb(size)} gzipped`);
}
console.log("Lazy chunks:");
for (const file of readdirSync(join(dist, "assets"))) {
  const path = `assets/${file}`;
  if (!initial.has(path) && file.endsWith(".js")) console.log(`  ${path}  ${kb(gz(path))} gzipped`);
}
const LIMIT = 100 * 1024;
console.log(`Initial JS total: ${kb(initialJs)} gzipped (budget ${kb(LIMIT)})`);
if (initialJs > LIMIT) {
  console.error("Initial JS is over budget.");
  process.exit(1);
}
