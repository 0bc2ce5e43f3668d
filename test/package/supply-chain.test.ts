// What consumers install with the package: only what the runtime needs, pinned by the committed
// lockfile, and nothing that runs an install script. (The registry reachable here answers no
// `npm audit` queries, so no audit runs: see CONTRIBUTING.md.)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const manifest = (dir: string) => JSON.parse(readFileSync(`${dir}/package.json`, "utf8"));
const own = manifest(root);

it("depends at run time on openapi-fetch and the command line's libraries only; tools are dev or optional peer dependencies", () => {
  expect(Object.keys(own.dependencies)).toEqual(["cli-progress", "commander", "openapi-fetch", "yaml"]);
  for (const tool of ["@redocly/cli", "openapi-typescript", "@stoplight/prism-cli", "ajv", "vitest", "typescript", "esbuild"]) {
    expect(own.dependencies[tool], tool).toBeUndefined();
  }
  expect(own.peerDependenciesMeta["@stoplight/prism-cli"].optional).toBe(true);
});

it("commits its lockfile, which pins every runtime dependency", () => {
  expect(execFileSync("git", ["ls-files", "package-lock.json"], { cwd: root, encoding: "utf8" }).trim()).toBe("package-lock.json");
  const lock = JSON.parse(readFileSync(`${root}package-lock.json`, "utf8"));
  expect(lock.packages["node_modules/openapi-fetch"].version).toMatch(/^\d+\.\d+\.\d+$/);
});

it("runs no install script in any runtime dependency, direct or transitive", () => {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const dependency = manifest(`${root}node_modules/${name}`);
    for (const script of ["preinstall", "install", "postinstall"]) expect(dependency.scripts?.[script], `${name} ${script}`).toBeUndefined();
    for (const next of Object.keys(dependency.dependencies ?? {})) visit(next);
  };
  for (const name of Object.keys(own.dependencies)) visit(name);
  expect([...seen]).toContain("openapi-fetch");
});
