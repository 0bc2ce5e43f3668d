// Runs every build step in one process and prints each with its time, in two groups that are
// skipped when their inputs did not change (see build-cache.js):
// - spec: lint and bundle, then the types, runtime data, validators, operations and docs in generated/;
// - runtime: dist/ from src/ and generated/: the ES build (tsc) and the CommonJS build (tsdown) at once.
// `--runtime` builds dist/ only, from the committed generated/ (the `prepare` step of a git install);
// `--force` ignores what the last build recorded.
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify, parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { ROOT, isMain } from "./lib.js";
import { openBuildCache } from "./build-cache.js";

// What each group reads and writes, relative to the root. A change to a build step or to a tool
// (the lockfile; the installed versions are hashed too) rebuilds what it makes; dist/ is built by
// this file and commonjs.js alone, so a change to another script leaves it be.
const TOOLS = ["package.json", "package-lock.json", "scripts/lib.js", "scripts/build-cache.js", "scripts/build.js"];
const SPEC = { inputs: ["openapi", "redocly.yaml", "scripts", ...TOOLS], outputs: ["generated"] };
const RUNTIME = { inputs: ["src", "generated", "tsconfig.json", "tsconfig.build.json", "scripts/commonjs.js", "scripts/console-page.js", "scripts/esm-root.js", ...TOOLS], outputs: ["dist"] };

async function step(name, work) {
  const started = performance.now();
  try {
    const result = await work();
    console.log(`  ✓ ${name.padEnd(12)} ${Math.round(performance.now() - started)} ms`);
    return result;
  } catch (error) {
    console.error(`  ✗ ${name.padEnd(12)} ${Math.round(performance.now() - started)} ms`);
    throw error;
  }
}

function compileRuntime() {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  return promisify(execFile)(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT });
}

// The steps load their tools (Redocly, openapi-typescript, ajv, esbuild, tsdown) only when they
// run, so that a build with nothing to do is over in a fraction of a second.
async function buildSpec() {
  const [{ lintSpec }, { writeBundles }, { writeRuntimeData, writeTypes }, { writeValidators }, { writeOperations }, { writeDocs }] = await Promise.all(
    ["./lint.js", "./bundle.js", "./types.js", "./validators.js", "./operations.js", "./docs.js"].map((module) => import(module)),
  );
  await step("lint", lintSpec);
  const spec = await step("bundle", () => writeBundles());
  await Promise.all([
    step("types", () => writeTypes(spec)),
    step("runtime data", () => writeRuntimeData(spec)),
    step("validators", () => writeValidators(spec)),
    step("operations", () => writeOperations(spec)),
    step("docs", () => writeDocs(spec)),
  ]);
}

async function buildRuntime() {
  const [{ writeCommonJs }, { writeConsolePage }, { bundleRootEntry }] = await Promise.all([import("./commonjs.js"), import("./console-page.js"), import("./esm-root.js")]);
  // The console's page is a module of src/ that both builds below compile.
  await step("console page", writeConsolePage);
  // From empty, so that no file of an older build (a removed module, a source map) is shipped.
  await rm(join(ROOT, "dist"), { recursive: true, force: true });
  await Promise.all([step("runtime", compileRuntime).then(() => step("root bundle", bundleRootEntry)), step("commonjs", () => writeCommonJs())]);
}

/** Builds generated/ (unless `runtimeOnly`) and dist/, skipping a group whose inputs did not change. */
export async function buildAll({ force = false, runtimeOnly = false } = {}) {
  const started = performance.now();
  console.log("build:");
  const cache = await openBuildCache({ force });
  const skipped = [];
  if (!runtimeOnly && !(await cache.run("spec", SPEC, buildSpec))) skipped.push("generated/");
  if (!(await cache.run("runtime", RUNTIME, buildRuntime))) skipped.push("dist/");
  if (skipped.length > 0) console.log(`  – ${skipped.join(" and ")} up to date, not rebuilt (--force rebuilds)`);
  console.log(`build: done in ${Math.round(performance.now() - started)} ms`);
}

if (isMain(import.meta.url)) {
  try {
    const { values } = parseArgs({ options: { force: { type: "boolean", default: false }, runtime: { type: "boolean", default: false } } });
    await buildAll({ force: values.force, runtimeOnly: values.runtime });
  } catch (error) {
    console.error(error.stdout || error.message);
    process.exitCode = 1;
  }
}
