// Safe releases: the package, the spec and the changelog agree on the version; no breaking change
// since the last release ships undeclared (npm run diff against the newest tag, or the previous
// commit when there is no tag); and a change to the spec or the runtime comes with release notes.
import { execFile, execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

function lastRelease(): string {
  try {
    return git("describe", "--tags", "--abbrev=0");
  } catch {
    try {
      return git("rev-parse", "--verify", "HEAD~1");
    } catch {
      throw new Error("no release to compare with: no tag and no previous commit (a shallow clone? run `git fetch --unshallow`)");
    }
  }
}

describe("release safety", () => {
  it("has one version in package.json, the spec, the bundle and the changelog", async () => {
    const { version } = JSON.parse(await readFile(`${root}package.json`, "utf8"));
    const source = parseYaml(await readFile(`${root}openapi/openapi.yaml`, "utf8"));
    const bundled = JSON.parse(await readFile(`${root}generated/openapi.json`, "utf8"));
    const changelog = /^## (\S+)/m.exec(await readFile(`${root}CHANGELOG.md`, "utf8"))?.[1];
    expect({ spec: source.info.version, bundle: bundled.info.version, changelog }).toEqual({ spec: version, bundle: version, changelog: version });
  });

  it("ships no undeclared breaking change since the last release", async () => {
    const base = lastRelease();
    const result = await promisify(execFile)(process.execPath, ["scripts/diff.js", "--base", base], { cwd: root }).then(
      (r) => ({ ...r, code: 0 }),
      (error) => error,
    );
    expect(result.code, `npm run diff -- --base ${base}\n${result.stdout}${result.stderr}`).toBe(0);
  }, 30_000);

  it("comes with release notes when the spec or the runtime changed", () => {
    const base = lastRelease();
    const changed = git("diff", "--name-only", base, "--", "openapi", "src");
    if (changed === "") return;
    const pending = [...git("ls-files", ".changeset").split("\n"), ...git("ls-files", "--others", "--exclude-standard", ".changeset").split("\n")].filter(
      (file) => file.endsWith(".md") && !file.endsWith("README.md"),
    );
    const changelogTouched = git("diff", "--name-only", base, "--", "CHANGELOG.md") !== "";
    expect(pending.length > 0 || changelogTouched, `openapi/ or src/ changed since ${base} (${changed.split("\n").join(", ")}): add a changeset (npx changeset)`).toBe(true);
  });
});
