// What other repositories install: pack the package, install the tarball into a fresh project,
// type-check and run a consumer under node16 and bundler resolution, and run the README's
// vitest example against startMockServer there.
import { execFile, spawn } from "node:child_process";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
let project: string;
let tarballFiles: string[];

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "consumer-"));
  // The global setup compiled dist/; pack without the prepack build: generated/ is checked fresh by the drift test.
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", project], { cwd: root });
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  tarballFiles = packed.files.map((file) => file.path);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // The package comes from its tarball, like any registry package; the test tools are this
  // repository's own copies, linked, so that the run stays fast and offline.
  const linked = ["@stoplight/prism-cli", "vitest", "@types/node"].map((name) => `file:${join(root, "node_modules", name)}`);
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", `./${packed.filename}`, ...linked], { cwd: project });
  await cp(join(root, "test", "package", "fixtures"), project, { recursive: true });
  // The README's examples, exactly as a user would paste them.
  const readme = await readFile(join(root, "README.md"), "utf8");
  for (const name of ["webhooks.contract.test.ts", "receiver.ts"]) {
    const example = new RegExp("```ts\\n(// " + name.replaceAll(".", "\\.") + "\\n[\\s\\S]*?)```").exec(readme)?.[1];
    if (example === undefined) throw new Error(`README.md has no \`\`\`ts block starting with // ${name}`);
    await writeFile(join(project, name), example);
  }
}, 120_000);

afterAll(() => rm(project, { recursive: true, force: true }));

describe("the packed package", () => {
  it("ships the runtime, types, bundled spec and docs files, and nothing from the source tree", () => {
    for (const file of ["dist/index.js", "dist/index.d.ts", "dist/testing.js", "dist/bin/mock.js", "dist/bin/send.js", "dist/bin/verify.js", "dist/bin/socotra-webhooks.js", "generated/docs/index.html", "generated/openapi.json", "generated/openapi.yaml", "generated/schema.d.ts", "generated/validators.js", "README.md", "LICENSE", "CHANGELOG.md", "package.json"]) {
      expect(tarballFiles).toContain(file);
    }
    expect(tarballFiles.filter((file) => /^(src|test|openapi|scripts|\.ci)\//.test(file) || file.endsWith(".map"))).toEqual([]);
  });

  it("type-checks a consumer under moduleResolution node16 and bundler", async () => {
    // Both at once. node16 also checks the shipped .d.ts files (no skipLibCheck) and emits the
    // JavaScript that the next test runs; bundler skips the lib check, as most bundler setups do.
    await Promise.all(["node16", "bundler"].map((resolution) => run(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], { cwd: project })));
  }, 90_000);

  it("runs the consumer", async () => {
    const { stdout } = await run(process.execPath, ["out/consumer.js"], { cwd: project });
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

  it("depends at run time on openapi-fetch and the command line's libraries only", async () => {
    const manifest = JSON.parse(await readFile(join(project, "node_modules", "socotra-webhooks-contract", "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies)).toEqual(["cli-progress", "commander", "openapi-fetch", "yaml"]);
    expect(manifest.peerDependenciesMeta["@stoplight/prism-cli"]).toEqual({ optional: true });
  });

  it("runs the README's vitest example against startMockServer", async () => {
    const { stdout } = await run(process.execPath, [join(project, "node_modules", "vitest", "vitest.mjs"), "run", "--root", project, "webhooks.contract.test.ts"], { cwd: project });
    expect(stdout).toMatch(/1 passed/);
  }, 60_000);

  it("runs the README's receiver, which answers the packed sender and every malformed body", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const receiver = spawn(process.execPath, ["out/receiver.js"], { cwd: project, env: { ...process.env, PORT: String(port) } });
    try {
      await new Promise<void>((resolve, reject) => {
        receiver.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
        receiver.once("exit", (code) => reject(new Error(`the README receiver exited with ${code}`)));
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
