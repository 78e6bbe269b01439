// Copies the front-end packages rasd serves itself into dist/vendor/ (collected by Django's staticfiles), and
// bundles browser entry (ODK Web Forms with Vue and rasd's glue in webforms/) with Vite into dist/webforms/.
// The other pages need no bundler: they use Bootstrap's prebuilt CSS/JS, htmx, Leaflet and a webfont.
// Run through `make setup`; the output is not committed.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const out = join(here, "dist", "vendor");

if (!existsSync(modules)) {
  console.error("frontend/node_modules is missing: run `npm ci` in frontend/ first (make setup does).");
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });

const copies = [
  // The source maps travel with the files that name them (Django's manifest storage checks they exist).
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  ["bootstrap/dist/css/bootstrap.rtl.min.css", "bootstrap/bootstrap.rtl.min.css"],
  ["bootstrap/dist/css/bootstrap.rtl.min.css.map", "bootstrap/bootstrap.rtl.min.css.map"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"],
  ["bootstrap/LICENSE", "bootstrap/LICENSE"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["htmx.org/LICENSE", "htmx/LICENSE"],
  ["@fontsource/noto-sans-arabic/LICENSE", "fonts/noto-sans-arabic/LICENSE"],
  // Leaflet draws the facility map; its CSS names the images/ folder, so that travels too.
  ["leaflet/dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet/dist/leaflet.js.map", "leaflet/leaflet.js.map"],
  ["leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet/dist/images", "leaflet/images"],
  ["leaflet/LICENSE", "leaflet/LICENSE"],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(join(modules, from), join(out, to), { recursive: true });
}

// Noto Sans Arabic covers Arabic and Kurdish Sorani letters (ڕ ڵ ۆ ێ ە) and Latin. Keep the weights the
// pages use, in woff2 only (every supported browser reads it).
const font = join(modules, "@fontsource/noto-sans-arabic");
const weights = [400, 600, 700];
const subsets = ["arabic", "latin", "latin-ext"];
let css = "/* Noto Sans Arabic (SIL Open Font License 1.1), from @fontsource/noto-sans-arabic */\n";
for (const subset of subsets) {
  for (const weight of weights) {
    const source = readFileSync(join(font, `${subset}-${weight}.css`), "utf8");
    css += source.replace(/,\s*url\([^)]*\.woff\) format\('woff'\)/g, "");
    const file = `noto-sans-arabic-${subset}-${weight}-normal.woff2`;
    mkdirSync(join(out, "fonts/noto-sans-arabic/files"), { recursive: true });
    cpSync(join(font, "files", file), join(out, "fonts/noto-sans-arabic/files", file));
  }
}
writeFileSync(join(out, "fonts/noto-sans-arabic/noto-sans-arabic.css"), css);
console.log(`front-end assets written to ${out}`);

// Browser entry: one JavaScript file (webforms.js) plus the right-to-left overrides (rtl.css), fixed names.
const { build } = await import("vite");
const webforms = join(here, "webforms");
await build({ configFile: join(webforms, "vite.config.mjs") });
cpSync(join(webforms, "rtl.css"), join(here, "dist", "webforms", "rtl.css"));
console.log(`browser entry written to ${join(here, "dist", "webforms")}`);
