import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

// `base: "./"` so the built assets load both from `sprintdesk serve` at `/` and from inside Tauri.
export default defineConfig({
  base: "./",
  plugins: [svelte()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      // `sprintdesk serve` answers the API on its HTTP port (7780 by default).
      "/api": { target: "http://127.0.0.1:7780", changeOrigin: false },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
