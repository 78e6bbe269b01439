// Builds the browser-entry bundle (ODK Web Forms, Vue and rasd's glue) into dist/webforms/.
// One file with a fixed name (webforms.js), so Django templates can name it with {% static %} and, in production,
// Django's manifest storage gives it a content hash and long cache headers. The package's lazily loaded map chunk
// (map-type geo questions only) is inlined on purpose: a chunk imported by a relative URL from a hashed file would
// be fetched under its unhashed name, outside the manifest and its caching.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: "./",
  logLevel: "warn",
  plugins: [vue()],
  define: {
    "process.env.NODE_ENV": JSON.stringify("production"),
    __VUE_OPTIONS_API__: "true",
    __VUE_PROD_DEVTOOLS__: "false",
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
  },
  build: {
    outDir: join(here, "..", "dist", "webforms"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    modulePreload: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // The package calls eval() in one code path that browser entry never takes (the CSP refuses it anyway).
      onwarn(warning, warn) {
        if (warning.code !== "EVAL") warn(warning);
      },
      input: { webforms: join(here, "main.js") },
      output: {
        entryFileNames: "[name].js",
        codeSplitting: false,
        assetFileNames: "[name][extname]",
      },
    },
  },
});
