// A change to a shared component is reported once, at the component, with the operations and
// webhooks it reaches listed under it; `--format markdown` prints it for a changelog or a pull
// request. On the tiny fixture and on this package's own bundled spec.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffSpecs, formatChanges } from "../../scripts/diff.js";
import base from "./fixtures/base.json" with { type: "json" };

type Json = Record<string, any>;
const root = fileURLToPath(new URL("../..", import.meta.url));
const widenColour = () => {
  const head = structuredClone(base) as Json;
  head.components.schemas.Colour.enum.push("blue");
  return head;
};

describe("a change to a shared component", () => {
  it("is listed once, at the component, breaking for the operations that receive it only", () => {
    expect(diffSpecs(base, widenColour())).toEqual([
      {
        pointer: "#/components/schemas/Colour",
        message: "enum values added: blue",
        breaking: true,
        reaches: [
          { operation: "GET /things/{id}", breaking: true },
          { operation: "PUT /things/{id}", breaking: false },
          { operation: "webhook thingChanged (POST)", breaking: true },
        ],
      },
    ]);
  });

  it("names the component once on this package's spec, with every operation and webhook it reaches", async () => {
    const spec = JSON.parse(await readFile(join(root, "generated", "openapi.json"), "utf8")) as Json;
    const head = structuredClone(spec);
    head.components.schemas.WebhookEventType.enum.push("policy.teleport");
    const changes = diffSpecs(spec, head);
    expect(changes.map((change) => [change.pointer, change.message])).toEqual([["#/components/schemas/WebhookEventType", "enum values added: policy.teleport"]]);
    const reached = changes[0]!.reaches!.map((reach) => reach.operation);
    expect(reached).toEqual(expect.arrayContaining(["GET /webhooks", "PUT /webhooks", "GET /webhooks/{name}/diverted"]));
    expect(new Set(reached).size).toBe(reached.length);
  });
});

describe("formats", () => {
  const changes = diffSpecs(base, widenColour());

  it("text: the component once, each operation it reaches under it", () => {
    expect(formatChanges(changes, { from: "1.0.0", to: "1.1.0" })).toBe(
      [
        "BREAKING  #/components/schemas/Colour  enum values added: blue",
        "            reaches GET /things/{id} (breaking)",
        "            reaches PUT /things/{id}",
        "            reaches webhook thingChanged (POST) (breaking)",
        "",
        "1 change(s), 1 breaking; version 1.0.0 → 1.1.0",
        "",
      ].join("\n"),
    );
  });

  it("markdown: a heading, a summary and a nested list, breaking changes first", () => {
    const compatible = diffSpecs(base, { ...base, paths: { ...base.paths, "/other": { get: { responses: { "200": { description: "ok" } } } } } });
    expect(formatChanges([...compatible, ...changes], { from: "1.0.0", to: "2.0.0", format: "markdown" })).toBe(
      [
        "### API changes (1.0.0 → 2.0.0)",
        "",
        "2 change(s), 1 breaking.",
        "",
        "- **Breaking**: enum values added: blue at `#/components/schemas/Colour`",
        "  - `GET /things/{id}` (breaking here)",
        "  - `PUT /things/{id}`",
        "  - `webhook thingChanged (POST)` (breaking here)",
        "- Compatible: operation GET /other added at `#/paths/~1other/get`",
        "",
      ].join("\n"),
    );
  });
});

describe("npm run diff --format", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "diff-"));
    await writeFile(join(dir, "head.json"), JSON.stringify({ ...widenColour(), info: { ...base.info, version: "2.0.0" } }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const diff = (...args: string[]) =>
    promisify(execFile)(process.execPath, ["scripts/diff.js", "--base", "test/diff/fixtures/base.json", "--head", join(dir, "head.json"), ...args], { cwd: root }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it("prints markdown, and accepts a breaking change under a new major", async () => {
    const { code, stdout } = await diff("--format", "markdown");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^### API changes \(1\.0\.0 → 2\.0\.0\)\n/);
    expect(stdout.match(/Colour/g)).toHaveLength(1);
  });

  it("refuses an unknown format with the usage", async () => {
    const { code, stderr } = await diff("--format", "html");
    expect(code).toBe(2);
    expect(stderr).toContain('--format must be text or markdown, got "html"');
  });
});
