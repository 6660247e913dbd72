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
    // WebKitGTK (Linux) and WKWebView (macOS) are Safari-class engines. Safari 14 is the floor:
    // macOS 11 (tauri.conf.json minimumSystemVersion) ships it, and it has BigInt, which the
    // money formatting needs (no float arithmetic on prices or P&L).
    target: "safari14",
  },
  // Under vitest, resolve Svelte's client runtime (not the SSR one) so components can mount.
  ...(mode === "test" ? { resolve: { conditions: ["browser"] } } : {}),
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
}));
