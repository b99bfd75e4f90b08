// Builds the front end into build/, which Django's STATICFILES_DIRS serves:
//   build/css/site.css                compiled, compressed Sass (GOV.UK Frontend + ours)
//   build/js/govuk-frontend.min.js    GOV.UK Frontend's own bundle (and its source map)
//   build/js/site.js, build/js/init.js our two small scripts
//   build/images/                     our images (favicon)
// Run with `npm run build`. No bundler: the browser loads site.js as a module.
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, "build");
const govukDist = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

await rm(out, { recursive: true, force: true });
await mkdir(join(out, "css"), { recursive: true });
await mkdir(join(out, "js"), { recursive: true });

const { css } = sass.compile(join(root, "scss", "site.scss"), {
  style: "compressed",
  loadPaths: [join(root, "node_modules")],
  quietDeps: true,
});
await writeFile(join(out, "css", "site.css"), css + "\n");

// The source map goes too: Django's manifest storage follows the sourceMappingURL comment
// and refuses to collect a script whose map is missing.
for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  await cp(join(govukDist, name), join(out, "js", name));
}
for (const name of ["site.js", "init.js"]) {
  await cp(join(root, "js", name), join(out, "js", name));
}
await cp(join(root, "images"), join(out, "images"), { recursive: true });

console.log(`Built ${out}: css/site.css (${Math.round(css.length / 1024)} kB), js/, images/`);
