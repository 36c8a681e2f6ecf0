/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// The server serves dist/ at "/" and answers index.html for the SPA routes,
// so assets are absolute (/assets/...) and deep links work on reload.
// `npm run dev` (and `vite preview`) forward API calls to a running DataSaaS server.
const server = process.env.DATASAAS_URL ?? "http://localhost:8080";

export default defineConfig({
  plugins: [preact()],
  base: "/",
  build: { outDir: "dist", assetsDir: "assets", target: "es2020" },
  server: { proxy: { "/api": server, "/js": server } },
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["test/setup.ts"],
    pool: "threads",
    maxWorkers: 2,
  },
});
