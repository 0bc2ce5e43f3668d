// The root entry's ES build as one file: tsc writes a module per source file, and Node's ES loader
// pays ~0.5 ms per module (resolve, read, compile), most of a cold `import` (bench figure 2). So
// dist/index.js is rebundled from tsc's output with esbuild, inlining only the modules no other
// entry (a subpath export, a bin, what they import, dynamically too) loads: the shared ones stay
// tsc's files, imported by path, so that each module, its classes and its state exist once in a
// process. The inlined files' .js are removed, and their .d.ts unless a declaration imports it.
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { build } from "esbuild";
import { ROOT } from "./lib.js";

const ROOT_ENTRY = "./dist/index.js";

/** dist/ and generated/ files that an entry other than the root loads (statically or dynamically). */
async function sharedModules(manifest) {
  const others = Object.values(manifest.exports)
    .map((target) =>
      typeof target === "string"
        ? target
        : target.import?.default ?? target.import ?? target.default
    )
    .filter(
      (target) =>
        typeof target === "string" &&
        target.startsWith("./dist/") &&
        target.endsWith(".js") &&
        target !== ROOT_ENTRY
    );
  const entryPoints = [...others, ...Object.values(manifest.bin ?? {})].map(
    (path) => join(ROOT, path)
  );
  const { metafile } = await build({
    entryPoints,
    bundle: true,
    write: false,
    metafile: true,
    splitting: true,
    absWorkingDir: ROOT,
    format: "esm",
    platform: "node",
    outdir: join(ROOT, "dist"),
    packages: "external",
    logLevel: "warning",
  });
  return new Set(Object.keys(metafile.inputs).map((path) => join(ROOT, path)));
}

export async function bundleRootEntry() {
  const manifest = JSON.parse(
    await readFile(join(ROOT, "package.json"), "utf8")
  );
  const shared = await sharedModules(manifest);
  const entry = join(ROOT, ROOT_ENTRY);
  const outDir = dirname(entry);
  const inlined = new Set();
  const keepShared = {
    name: "keep-shared-modules",
    setup(plugin) {
      plugin.onResolve({ filter: /^\./ }, ({ path, resolveDir }) => {
        const file = join(resolveDir, path);
        if (!shared.has(file)) return undefined;
        const specifier = relative(outDir, file).split(sep).join("/");
        return {
          path: specifier.startsWith(".") ? specifier : `./${specifier}`,
          external: true,
        };
      });
      plugin.onLoad({ filter: /\.js$/ }, ({ path }) => {
        inlined.add(path);
        return undefined;
      });
    },
  };
  const { outputFiles } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    absWorkingDir: ROOT,
    outfile: entry,
    plugins: [keepShared],
    legalComments: "inline",
    logLevel: "warning",
  });
  inlined.delete(entry);
  const removed = [...inlined].filter((file) =>
    file.startsWith(join(ROOT, "dist") + sep)
  );
  await Promise.all(removed.map((file) => rm(file)));
  await removeUnreferencedDeclarations(
    removed.map((file) => file.replace(/\.js$/, ".d.ts"))
  );
  await writeFile(entry, outputFiles[0].contents);
}

/** Removes each of `candidates` that no other declaration file in dist/ imports, until none is left to remove. */
async function removeUnreferencedDeclarations(candidates) {
  const dist = join(ROOT, "dist");
  const files = new Map();
  for (const name of await readdir(dist, { recursive: true })) {
    if (name.endsWith(".d.ts"))
      files.set(join(dist, name), await readFile(join(dist, name), "utf8"));
  }
  const imports = (file) =>
    [
      ...files
        .get(file)
        .matchAll(/(?:from\s*|import\()\s*["'](\.{1,2}\/[^"']+)\.js["']/g),
    ].map(([, path]) => join(dirname(file), `${path}.d.ts`));
  for (let pending = candidates.filter((file) => files.has(file)); ; ) {
    const used = new Set([...files.keys()].flatMap(imports));
    const unused = pending.filter((file) => !used.has(file));
    if (unused.length === 0) return;
    for (const file of unused) files.delete(file);
    await Promise.all(unused.map((file) => rm(file)));
    pending = pending.filter((file) => files.has(file));
  }
}
