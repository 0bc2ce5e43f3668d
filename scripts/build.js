// Runs every build step in one process and prints each with its time: lint and bundle, then in
// parallel the docs (a child process) and types → validators → runtime (tsc, which needs both).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { performance } from "node:perf_hooks";
import { ROOT, isMain } from "./lib.js";
import { lintSpec } from "./lint.js";
import { writeBundles } from "./bundle.js";
import { writeRuntimeData, writeTypes } from "./types.js";
import { writeValidators } from "./validators.js";
import { writeOperations } from "./operations.js";
import { writeDocs } from "./docs.js";

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

export async function buildAll() {
  const started = performance.now();
  console.log("build:");
  await step("lint", lintSpec);
  const spec = await step("bundle", () => writeBundles());
  const compiled = Promise.all([
    step("types", () => writeTypes(spec)),
    step("runtime data", () => writeRuntimeData(spec)),
    step("validators", () => writeValidators(spec)),
    step("operations", () => writeOperations(spec)),
  ]).then(() => step("runtime", compileRuntime));
  await Promise.all([compiled, step("docs", () => writeDocs(spec))]);
  console.log(`build: done in ${Math.round(performance.now() - started)} ms`);
}

if (isMain(import.meta.url)) {
  try {
    await buildAll();
  } catch (error) {
    console.error(error.stdout || error.message);
    process.exitCode = 1;
  }
}
