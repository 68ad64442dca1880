/// <reference types="vitest/config" />
// The app's build (into dist/, which the edge serves as WEB_DIR) and its unit tests.
// `npm run dev` serves it on :5173 with /api proxied to the edge of `make run`.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  build: { target: "es2022", sourcemap: true },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
