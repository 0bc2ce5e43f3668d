// Lets a build skip a group of steps whose inputs did not change: a SHA-256 over the input files'
// paths and bytes, Node's version and the installed version of every dependency, kept beside the
// hash of the outputs the group wrote. A group runs again when any input changed, or when its
// outputs are missing or were edited since (so a hand edit under generated/ or dist/ is undone).
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { ROOT } from "./lib.js";

export const CACHE_FILE = join(ROOT, "node_modules", ".cache", "socotra-webhooks-contract", "build.json");

async function filesUnder(path) {
  try {
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  } catch (error) {
    if (error.code === "ENOTDIR") return [path];
    if (error.code === "ENOENT") return [];
    throw error;
  }
}

/** One hash over every file under `paths` (files or folders, relative to the root): names and bytes. */
export async function hashFiles(paths, root = ROOT) {
  const hash = createHash("sha256");
  for (const path of paths) {
    const files = (await filesUnder(join(root, path))).sort();
    hash.update(`${path}: ${files.length} file(s)\0`);
    for (const file of files) hash.update(`${relative(root, file)}\0`).update(await readFile(file)).update("\0");
  }
  return hash.digest("hex");
}

/** Node's version and the installed version of each dependency in package.json. */
export async function toolVersions(root = ROOT) {
  const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).sort();
  const versions = await Promise.all(
    names.map((name) =>
      readFile(join(root, "node_modules", name, "package.json"), "utf8").then(
        (text) => `${name}@${JSON.parse(text).version}`,
        () => `${name}@(not installed)`,
      ),
    ),
  );
  return [`node@${process.version}`, ...versions].join("\n");
}

/**
 * `run(name, { inputs, outputs }, work)` calls `work` unless the last successful run of `name`
 * saw the same inputs and left the outputs as they are now; it resolves true when it ran.
 */
export async function openBuildCache({ force = false, file = CACHE_FILE, root = ROOT } = {}) {
  const state = force ? {} : await readFile(file, "utf8").then(JSON.parse, () => ({}));
  const tools = await toolVersions(root);
  const inputsHash = async (inputs) => createHash("sha256").update(tools).update(await hashFiles(inputs, root)).digest("hex");
  return {
    async run(name, { inputs, outputs }, work) {
      const before = await inputsHash(inputs);
      const last = Object.hasOwn(state, name) ? state[name] : undefined;
      if (last?.inputs === before && last.outputs === (await hashFiles(outputs, root)) && (await hasFiles(outputs, root))) return false;
      delete state[name];
      await work();
      state[name] = { inputs: before, outputs: await hashFiles(outputs, root) };
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(state, null, 2));
      return true;
    },
  };
}

async function hasFiles(paths, root) {
  const counts = await Promise.all(paths.map(async (path) => (await filesUnder(join(root, path))).length));
  return counts.every((count) => count > 0);
}
