// The build: a group of steps is skipped only when its inputs and its outputs are as the last
// successful run left them, and no step leaves a process behind (esbuild's service would outlive
// the build inside `npm start`).
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBuildCache } from "../../scripts/build-cache.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the build cache", () => {
  let dir: string;
  let runs: number;
  const group = { inputs: ["in"], outputs: ["out"] };
  const build = async () => {
    runs += 1;
    await mkdir(join(dir, "out"), { recursive: true });
    await writeFile(join(dir, "out", "result.txt"), await readFile(join(dir, "in", "source.txt")));
  };
  const runOnce = async (options: { force?: boolean } = {}) => {
    const cache = await openBuildCache({ root: dir, file: join(dir, "cache", "build.json"), ...options });
    return cache.run("group", group, build);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "build-cache-"));
    await mkdir(join(dir, "in"));
    await mkdir(join(dir, "node_modules", "tool"), { recursive: true });
    await writeFile(join(dir, "package.json"), JSON.stringify({ devDependencies: { tool: "1.0.0" } }));
    await writeFile(join(dir, "node_modules", "tool", "package.json"), JSON.stringify({ version: "1.0.0" }));
    await writeFile(join(dir, "in", "source.txt"), "one");
    runs = 0;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("builds the first time, then skips while nothing changed", async () => {
    expect(await runOnce()).toBe(true);
    expect(await runOnce()).toBe(false);
    expect(runs).toBe(1);
  });

  it("builds again when an input changes, or a new input file appears", async () => {
    await writeFile(join(dir, "in", "source.txt"), "two");
    expect(await runOnce()).toBe(true);
    await writeFile(join(dir, "in", "new.txt"), "");
    expect(await runOnce()).toBe(true);
    expect(await runOnce()).toBe(false);
  });

  it("builds again when an output was edited or removed", async () => {
    await writeFile(join(dir, "out", "result.txt"), "edited by hand");
    expect(await runOnce()).toBe(true);
    expect(await readFile(join(dir, "out", "result.txt"), "utf8")).toBe("two");
    await rm(join(dir, "out"), { recursive: true });
    expect(await runOnce()).toBe(true);
    expect(await runOnce()).toBe(false);
  });

  it("builds again when a tool's installed version changes, or when forced", async () => {
    await writeFile(join(dir, "node_modules", "tool", "package.json"), JSON.stringify({ version: "1.0.1" }));
    expect(await runOnce()).toBe(true);
    expect(await runOnce({ force: true })).toBe(true);
    expect(await runOnce()).toBe(false);
  });

  it("records nothing when the build fails, so the next run builds", async () => {
    await writeFile(join(dir, "in", "source.txt"), "three");
    const cache = await openBuildCache({ root: dir, file: join(dir, "cache", "build.json") });
    await expect(cache.run("group", group, () => Promise.reject(new Error("step failed")))).rejects.toThrow("step failed");
    expect(await runOnce()).toBe(true);
  });
});

it("leaves no process behind: esbuild's service stops once the validators are bundled", async () => {
  const out = await mkdtemp(join(tmpdir(), "build-processes-"));
  // The children of the process that ran the step, read from /proc once the step has resolved.
  const script = `
    import { readFileSync, readdirSync } from "node:fs";
    import { bundleSpec } from "./scripts/bundle.js";
    import { writeValidators } from "./scripts/validators.js";
    await writeValidators(await bundleSpec(), ${JSON.stringify(out)});
    const read = (file) => { try { return readFileSync(file, "utf8"); } catch { return ""; } };
    const running = () => {
      const children = readdirSync("/proc/self/task").flatMap((task) => read("/proc/self/task/" + task + "/children").split(" ").filter(Boolean));
      // A zombie (state Z: exited, not yet reaped) or a process gone by the time its stat is read
      // is no process left behind.
      return children.filter((pid) => !["Z", undefined].includes(/\\) (\\S) /.exec(read("/proc/" + pid + "/stat"))?.[1]));
    };
    // esbuild's stop() signals its service and resolves at once; on a loaded machine the process
    // takes a moment to exit, so it gets 5 s to go (one that outlives that is left behind).
    for (const until = Date.now() + 5000; running().length > 0 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 50));
    console.log(JSON.stringify(running().map((pid) => read("/proc/" + pid + "/cmdline").replaceAll("\\0", " ").trim())));
  `;
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual([]);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}, 60_000);
