// The README's second way in: `npm install git+URL`. npm clones the repository, installs its
// development tools there and runs `prepare`, which builds dist/ from src/ and the committed
// generated/. From a clean clone of the committed tree (uncommitted changes are not in it), into
// a fresh project: the same files as `npm pack`, working bins, import and require().
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureDist } from "../support/dist.js";

// What is packed and installed is the built dist/.
beforeAll(ensureDist);

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
let work: string;
let project: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "git-install-"));
  const clone = join(work, "clone");
  project = join(work, "consumer");
  await run("git", ["clone", "--quiet", "--depth", "1", `file://${root}`, clone]);
  await mkdir(project);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "git-consumer", private: true, type: "module" }));
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", `git+file://${clone}`], { cwd: project });
}, 300_000);

afterAll(() => rm(work, { recursive: true, force: true }));

it("holds the files the tarball of this tree holds, dist/ built by prepare", async () => {
  // ensureDist built dist/ here; the clone had none, so its dist/ is prepare's.
  const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root });
  const [packed] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  const installed = join(project, "node_modules", "socotra-webhooks-contract");
  const files = (await readdir(installed, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => relative(installed, join(entry.parentPath, entry.name)));
  expect(files.sort()).toEqual(packed.files.map((file) => file.path).sort());
});

it("runs its bins, and loads by import and by require() with require(esm) off", async () => {
  const send = run(join(project, "node_modules", ".bin", "socotra-webhooks"), ["send", "--help"], { cwd: project });
  const alias = run(join(project, "node_modules", ".bin", "socotra-webhooks-send"), ["--help"], { cwd: project });
  const imported = run(process.execPath, ["--input-type=module", "-e", 'const m = await import("socotra-webhooks-contract"); console.log(m.WEBHOOK_EVENT_TYPES.length)'], { cwd: project });
  const required = run(process.execPath, ["--no-experimental-require-module", "-e", 'console.log(typeof require("socotra-webhooks-contract").createWebhooksClient)'], { cwd: project });
  expect((await send).stdout).toMatch(/^Usage: socotra-webhooks send /);
  // The old bin name, an alias for a release: the same tool, with a notice saying what to type.
  expect(await alias).toMatchObject({ stdout: (await send).stdout, stderr: expect.stringContaining("use `socotra-webhooks send`") });
  expect((await imported).stdout.trim()).toBe("100");
  expect((await required).stdout.trim()).toBe("function");
});
