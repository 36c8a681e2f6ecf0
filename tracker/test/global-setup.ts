// Builds dist/script.js once, so the tests exercise the minified file that ships.
import { build } from "../build.mjs";

export default async function setup() {
  await build();
}
