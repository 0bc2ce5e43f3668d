// What other repositories install from the packed tarball (git-install.e2e.test.ts covers a git URL).
// Into a fresh project: type-check and run an ES consumer (node16 and bundler resolution), a
// CommonJS one (TypeScript module node16 in a CommonJS package, run with require(esm) off; one
// node16 program holds both, each file in its own package's module format), and
// the examples the README and docs show (examples/, as users paste them): the typed client against
// the mock, the vitest and Jest contract tests against startMockServer, the MSW test against the
// simulator, the receiver, and the operators' outage drill (the simulator and the socotra-webhooks bin).
import { execFile, spawn } from "node:child_process";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "../support/dist.js";

// What is packed and installed is the built dist/.
beforeAll(ensureDist);

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const npmInstall = ["install", "--prefer-offline", "--no-audit", "--no-fund"];
// The test tools are this repository's own copies, linked, so that the runs stay fast and offline.
const linked = (...names: string[]) => names.map((name) => `file:${join(root, "node_modules", name)}`);
const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
let work: string;
let project: string;
let tarballFiles: string[];

const installed = (dir: string) => join(dir, "node_modules", "socotra-webhooks-contract");

/** A file of examples/, which the docs show exactly as a user would paste it (test/docs/examples.test.ts). */
const example = (name: string) => readFile(join(root, "examples", name), "utf8");

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "consumer-"));
  project = join(work, "tarball-consumer");
  await mkdir(project);
  // ensureDist built dist/; pack without the prepack build: generated/ is checked fresh by the drift test.
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root });
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  tarballFiles = packed.files.map((file) => file.path);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await run("npm", [...npmInstall, join(work, packed.filename), ...linked("@stoplight/prism-cli", "vitest", "jest", "msw", "@types/node")], { cwd: project });
  await cp(join(root, "test", "package", "fixtures"), project, { recursive: true });
  // Here, not in fixtures/: this repository's own tsc checks fixtures/ as part of the package.
  await writeFile(join(project, "cjs", "package.json"), JSON.stringify({ name: "consumer-cjs", private: true, type: "commonjs" }));
  // msw's own types need the DOM lib, which the node16 project leaves out: vitest runs that one.
  await mkdir(join(project, "msw"));
  await Promise.all([
    ...["client.ts", "webhooks.contract.test.ts", "receiver.ts", "outage-drill.ts"].map(async (name) => writeFile(join(project, name), await example(name))),
    writeFile(join(project, "msw", "simulator.msw.test.ts"), await example("simulator.msw.test.ts")),
    writeFile(join(project, "cjs", "webhooks.contract.jest.test.js"), await example("webhooks.contract.jest.test.js")),
  ]);
}, 120_000);

afterAll(() => rm(work, { recursive: true, force: true }));

describe("the packed package", () => {
  it("ships the ES and CommonJS runtimes with their types, the bundled spec and docs, and nothing from the source tree", () => {
    for (const file of ["dist/index.js", "dist/index.d.ts", "dist/index.cjs", "dist/index.d.cts", "dist/testing.js", "dist/testing.cjs", "dist/testing.d.cts", "dist/bin/mock.js", "dist/bin/send.js", "dist/bin/verify.js", "dist/bin/socotra-webhooks.js", "dist/bin/sim.js", "dist/simulator/index.js", "dist/simulator/index.cjs", "generated/docs/index.html", "generated/openapi.json", "generated/openapi.yaml", "generated/schema.d.ts", "generated/validators.js", "README.md", "LICENSE", "CHANGELOG.md", "package.json"]) {
      expect(tarballFiles).toContain(file);
    }
    expect(tarballFiles.filter((file) => /^(src|test|openapi|scripts|\.ci)\//.test(file) || file.endsWith(".map"))).toEqual([]);
  });

  it("has a require condition with its own .d.cts beside every ES entry", () => {
    for (const [subpath, target] of Object.entries(manifest.exports as Record<string, unknown>)) {
      const esm = (target as { import?: { default?: string } }).import?.default ?? (target as { default?: string }).default;
      if (typeof esm !== "string" || !esm.endsWith(".js")) continue;
      expect(target, subpath).toEqual({
        import: { types: esm.replace(/\.js$/, ".d.ts"), default: esm },
        require: { types: esm.replace(/\.js$/, ".d.cts"), default: esm.replace(/\.js$/, ".cjs") },
      });
    }
  });

  it("reaches every shipped file from an export, a bin or an import, and points to no source map", async () => {
    const dir = installed(project);
    const reachable = new Set(["package.json", "README.md", "LICENSE", "CHANGELOG.md"]);
    const targets = (value: unknown): string[] => (typeof value === "string" ? [value] : Object.values(value as object).flatMap(targets));
    const queue = [...targets(manifest.exports), ...Object.values(manifest.bin as Record<string, string>)].map((path) => relative(".", path));
    // Relative specifiers of import/export/require/import()/new URL(), and a .js module's .d.ts.
    const specifiers = /(?:from\s*|require\(|import\(|new URL\()\s*["'](\.{1,2}\/[^"']+)["']/g;
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reachable.has(file) || !tarballFiles.includes(file)) continue;
      reachable.add(file);
      if (!/\.(c?js|d\.c?ts)$/.test(file)) continue;
      const text = await readFile(join(dir, file), "utf8");
      expect(text, file).not.toMatch(/sourceMappingURL/);
      for (const [, specifier] of text.matchAll(specifiers)) {
        const target = relative(".", join(file, "..", specifier!));
        queue.push(target, target.replace(/\.(c?)js$/, ".d.$1ts"));
      }
      if (file.endsWith(".js")) queue.push(file.replace(/\.js$/, ".d.ts"));
    }
    expect(tarballFiles.filter((file) => !reachable.has(file))).toEqual([]);
  });

  it("type-checks an ES consumer under node16 and bundler resolution, and a CommonJS one under node16", async () => {
    // Both at once. The node16 program holds the ES files and cjs/ (a "type": "commonjs" package,
    // so its files are CommonJS: imports resolve by the require condition, to the .d.cts files),
    // checks the shipped .d.ts and .d.cts files (no skipLibCheck) and emits, beside each source,
    // the JavaScript that the next tests run; bundler skips the lib check, as most setups do.
    const configs = ["tsconfig.node16.json", "tsconfig.bundler.json"];
    await Promise.all(configs.map((config) => run(process.execPath, [tsc, "-p", config], { cwd: project })));
  }, 180_000);

  it("runs the ES consumer", async () => {
    const { stdout } = await run(process.execPath, ["consumer.js"], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      firstEvent: "cancellation.create",
      notAnEvent: "policy.teleport",
      eventTypes: 100,
      type: "policy.issue",
      rejected: "/timestamp,/data,/transactionId,/type,/username",
      openapi: "3.1.0",
      standardOk: true,
    });
  });

  it("runs the CommonJS consumer with require(esm) off; loading both builds of testing registers no process handler", async () => {
    const { stdout } = await run(process.execPath, ["--no-experimental-require-module", "cjs/consumer.js"], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      firstEvent: "cancellation.create",
      eventTypes: 100,
      type: "policy.issue",
      rejected: "/timestamp,/data,/transactionId,/type,/username",
      openapi: "3.1.0",
      dereferenced: true,
      docs: true,
      exitHandlersAdded: 0,
      sameSpec: true,
    });
  });

  it("depends at run time on openapi-fetch and the command line's libraries only", async () => {
    const installedManifest = JSON.parse(await readFile(join(installed(project), "package.json"), "utf8"));
    expect(Object.keys(installedManifest.dependencies)).toEqual(["cli-progress", "commander", "openapi-fetch", "yaml"]);
    expect(installedManifest.peerDependenciesMeta["@stoplight/prism-cli"]).toEqual({ optional: true });
  });

  it("runs the typed client example against the packed mock", async () => {
    const script = `const { startMockServer } = await import("socotra-webhooks-contract/testing");
const mock = await startMockServer();
try {
  const { execFile } = await import("node:child_process");
  const env = { ...process.env, SOCOTRA_BASE_URL: mock.url, SOCOTRA_TOKEN: "any-token" };
  process.stdout.write(await new Promise((resolve, reject) => execFile(process.execPath, ["client.js"], { env }, (error, stdout) => (error ? reject(error) : resolve(stdout)))));
} finally {
  await mock.stop();
}`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: project });
    expect(stdout).toMatch(/^policy-events \[ 'policy\.issue'/);
  }, 60_000);

  it("runs the vitest and Jest examples against startMockServer, and its MSW example against the simulator", async () => {
    const vitest = run(process.execPath, [join(project, "node_modules", "vitest", "vitest.mjs"), "run", "--root", project, "webhooks.contract.test.ts", "msw/simulator.msw.test.ts"], { cwd: project });
    // Jest's default runtime: CommonJS, babel-jest, no configuration.
    const jest = run(process.execPath, [join(project, "node_modules", "jest", "bin", "jest.js"), "--ci", "--rootDir", "cjs"], { cwd: project });
    const [vitestRun, jestRun] = await Promise.all([vitest, jest]);
    expect(vitestRun.stdout).toMatch(/2 passed/);
    expect(jestRun.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
  }, 120_000);

  it("runs the outage drill example: diverted events resent once each by the packed socotra-webhooks bin", async () => {
    const { stdout } = await run(process.execPath, ["outage-drill.js"], { cwd: project });
    expect(stdout.trim().split("\n").at(-1)).toBe('{"delivered":20,"secondRunResent":0}');
  }, 60_000);

  it("runs the receiver example, which answers the packed sender and every malformed body", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const receiver = spawn(process.execPath, ["receiver.js"], { cwd: project, env: { ...process.env, PORT: String(port) } });
    try {
      await new Promise<void>((resolve, reject) => {
        receiver.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
        receiver.once("exit", (code) => reject(new Error(`the receiver example exited with ${code}`)));
      });
      const url = `http://127.0.0.1:${port}/`;
      const sender = join(project, "node_modules", ".bin", "socotra-webhooks-send");
      const { stdout } = await run(sender, ["--url", url, "--type", "all", "--concurrency", "4"], { cwd: project });
      expect(stdout).toContain("100 sent, 0 failed");
      const post = (body: string, contentType = "application/json", method = "POST") =>
        fetch(url, { method, headers: { "content-type": contentType }, body }).then((response) => response.status);
      expect(await post("{oops")).toBe(400);
      expect(await post('{"id":"x"}')).toBe(400);
      expect(await post("a=1", "application/x-www-form-urlencoded")).toBe(415);
      expect(await post("{}", "application/json", "PUT")).toBe(405);
      expect(await post(JSON.stringify({ padding: "x".repeat(1_100_000) }))).toBe(413);
    } finally {
      receiver.kill();
    }
  }, 60_000);
});
