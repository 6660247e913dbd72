/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Tauri loads the built files from ui/dist (frontendDist) and, in `tauri dev`,
// the dev server on a fixed port (devUrl http://localhost:1420).
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  // Keep Rust/Tauri output visible in `tauri dev`.
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
  },
  build: {
    // WebKitGTK (Linux) and WKWebView (macOS) are Safari-class engines.
    target: "safari13",
  },
  // Under vitest, resolve Svelte's client runtime (not the SSR one) so components can mount.
  ...(mode === "test" ? { resolve: { conditions: ["browser"] } } : {}),
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
}));
