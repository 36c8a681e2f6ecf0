import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { distFile, gzip } from "../build.mjs";

const BUDGET = 1536; // 1.5 KB gzipped, design.md section 7

it("the minified tracker fits the gzip budget", () => {
  const size = gzip(readFileSync(distFile)).length; // global-setup built it
  console.log(`tracker gzipped size: ${size} bytes`);
  expect(size).toBeLessThanOrEqual(BUDGET);
});
