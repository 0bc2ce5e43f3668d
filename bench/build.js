// Figure 4, the build: `npm run build` (one process, steps in parallel where independent) against
// the same steps as separate CLI calls one after another.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { row } from "./lib.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const ROUNDS = 3;
const quiet = { cwd: root, stdio: "ignore", env: { ...process.env, REDOCLY_TELEMETRY: "off" } };

function timed(work) {
  const started = performance.now();
  work();
  return performance.now() - started;
}

const ours = () => execFileSync("npm", ["run", "-s", "build"], quiet);

function separateCalls() {
  const out = mkdtempSync(join(tmpdir(), "bench-build-"));
  const npx = (...args) => execFileSync("npx", ["--no-install", ...args], quiet);
  try {
    npx("redocly", "lint", "openapi/openapi.yaml");
    npx("redocly", "bundle", "openapi/openapi.yaml", "-o", join(out, "openapi.yaml"));
    npx("redocly", "bundle", "openapi/openapi.yaml", "-o", join(out, "openapi.json"));
    npx("redocly", "bundle", "openapi/openapi.yaml", "--dereferenced", "-o", join(out, "openapi.dereferenced.json"));
    npx("openapi-typescript", join(out, "openapi.json"), "-o", join(out, "schema.d.ts"));
    npx("redocly", "build-docs", join(out, "openapi.json"), "--inlineBundle", "-o", join(out, "docs", "index.html"), "--openapi.disableTelemetry=true");
    execFileSync(
      process.execPath,
      ["--input-type=module", "-e", `import { writeValidators } from "./scripts/validators.js"; import { readFileSync } from "node:fs"; await writeValidators(JSON.parse(readFileSync(${JSON.stringify(join(out, "openapi.json"))}, "utf8")), ${JSON.stringify(out)});`],
      quiet,
    );
    npx("tsc", "-p", "tsconfig.build.json", "--outDir", join(out, "dist"));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const [subject, baseline] = [[], []];
for (let i = 0; i < ROUNDS; i += 1) {
  subject.push(timed(ours));
  baseline.push(timed(separateCalls));
}
console.log(
  JSON.stringify([
    row({
      figure: "4. Build",
      subject: "npm run build (lint, bundle ×3, types, validators, docs, runtime)",
      baseline: "the same steps as separate CLI calls, in sequence",
      unit: "ms",
      subjectSamples: subject,
      baselineSamples: baseline,
      target: 0.5,
    }),
  ]),
);
