// The CommonJS build, for `require()` callers (Jest's default runtime, TypeScript projects that
// compile to CommonJS): tsdown bundles each entry of package.json `exports` from src/ into
// dist/NAME.cjs with its own dist/NAME.d.cts. generated/ is ES modules, so it is bundled in; the
// ES build (tsc) stays the one that imports it. Entries come from `exports`, so a new subpath
// needs no change here.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "tsdown";
import { ROOT } from "./lib.js";

/** `{ NAME: "src/NAME.ts" }` for every export whose ES target is `./dist/NAME.js`. */
export function commonJsEntries(manifest) {
  const entries = {};
  for (const target of Object.values(manifest.exports)) {
    const esm = typeof target === "string" ? target : (target.import?.default ?? target.import ?? target.default);
    const name = typeof esm === "string" ? /^\.\/dist\/(.+)\.js$/.exec(esm)?.[1] : undefined;
    if (name !== undefined) entries[name] = `src/${name}.ts`;
  }
  return entries;
}

export async function writeCommonJs(outDir = join(ROOT, "dist")) {
  const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
  await build({
    config: false,
    cwd: ROOT,
    entry: commonJsEntries(manifest),
    format: "cjs",
    platform: "node",
    target: "node20",
    outDir,
    clean: false,
    dts: { sourcemap: false },
    // import.meta.url (the spec's path, createRequire) becomes __filename.
    shims: true,
    // openapi-fetch's CommonJS build puts createClient on `exports.default`, which the interop of
    // an ES source in a "type": "module" package reads as the whole exports object: bundle its ES
    // build instead (it holds no state, so a copy per build costs nothing but its 15 kB). Its
    // types come with it into the .d.cts, with the helper types they import; nothing else may be.
    deps: { alwaysBundle: ["openapi-fetch"], onlyBundle: ["openapi-fetch", "openapi-typescript-helpers"] },
    sourcemap: false,
    fixedExtension: true,
    tsconfig: join(ROOT, "tsconfig.build.json"),
    logLevel: "warn",
    checks: { pluginTimings: false },
  });
}
