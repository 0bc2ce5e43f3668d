// What the docs show is what the tests run. A code block of README.md or docs/*.md whose first
// line is `// NAME`, where examples/NAME exists, is that file byte for byte (the fast suite runs
// examples/*.test.ts against src/, test/types/typecheck.test.ts type-checks the rest, and
// test/package/consumer.e2e.test.ts runs them all against the packed package); and every example
// is shown or linked from the docs.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const examples = await readdir(join(root, "examples"));
const pages = ["README.md", ...(await readdir(join(root, "docs"))).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];
const texts = new Map(await Promise.all(pages.map(async (page) => [page, await readFile(join(root, page), "utf8")] as const)));

/** Every fenced block whose first line names a file of examples/: [page, name, body]. */
const shown = [...texts].flatMap(([page, text]) =>
  [...text.matchAll(/^```[a-z]*\n(\/\/ ([\w.-]+)\n[\s\S]*?)^```$/gm)].filter(([, , name]) => examples.includes(name!)).map(([, body, name]) => [page, name!, body!] as const),
);

describe("the examples the docs show", () => {
  it("are shown somewhere", () => {
    expect(shown.length).toBeGreaterThan(0);
  });

  it.each(shown.map(([page, name, body]) => [`${page}: ${name}`, name, body] as const))("%s is examples/ byte for byte", async (_where, name, body) => {
    expect(body).toBe(await readFile(join(root, "examples", name), "utf8"));
  });

  it.each(examples)("examples/%s is shown or linked from the docs", (name) => {
    const mentioned = [...texts.values()].some((text) => text.includes(`examples/${name}`) || text.includes(`\n// ${name}\n`));
    expect(mentioned, `no page of the docs shows or links examples/${name}`).toBe(true);
  });
});
