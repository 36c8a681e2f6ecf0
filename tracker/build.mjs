// Builds dist/script.js (minified) plus precompressed .gz (gzip level 9) and
// .br (brotli max quality), and the same for dist/script.cookieless.js: one
// source, the COOKIELESS constant set per variant, the other variant's
// branches removed by the minifier. Usage: `npm run build`. Also imported by
// the tests.
import { build as esbuild } from "esbuild";
import { minify } from "terser";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = dirname(fileURLToPath(import.meta.url));
export const distFile = join(root, "dist", "script.js");
export const cookielessFile = join(root, "dist", "script.cookieless.js");

export const gzip = (buf) => gzipSync(buf, { level: 9 });
const brotli = (buf) =>
  brotliCompressSync(buf, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
    },
  });

export async function build() {
  const cookieless = await buildVariant(cookielessFile, true);
  return { ...(await buildVariant(distFile, false)), cookieless };
}

async function buildVariant(file, cookieless) {
  // esbuild strips the types; terser then minifies (it compresses a little
  // better than esbuild's own minifier for this file).
  const result = await esbuild({
    entryPoints: [join(root, "src", "script.ts")],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2020",
    legalComments: "none",
    define: { COOKIELESS: String(cookieless) },
  });
  const transpiled = result.outputFiles[0].text;
  const min = await minify(transpiled, {
    ecma: 2020,
    module: true,
    compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
    mangle: { toplevel: true },
    format: { comments: false },
  });
  const code = Buffer.from(min.code.trim() + "\n");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  writeFileSync(file + ".gz", gzip(code));
  writeFileSync(file + ".br", brotli(code));
  return { bytes: code.length, gzipped: gzip(code).length, brotli: brotli(code).length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const s = await build();
  console.log(`dist/script.js: ${s.bytes} bytes, gzip ${s.gzipped} bytes, brotli ${s.brotli} bytes`);
  const c = s.cookieless;
  console.log(`dist/script.cookieless.js: ${c.bytes} bytes, gzip ${c.gzipped} bytes, brotli ${c.brotli} bytes`);
}
