import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node", // each test builds its own jsdom window (see test/harness.ts)
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
  },
});
