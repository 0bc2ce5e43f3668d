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

const BUMPS = ["patch", "minor", "major"] as const;

/** The version `npm run release` makes of `version` with the pending changesets: what they declare. */
function declaredVersion(version: string, changesets: readonly string[]): string {
  const bump = Math.max(-1, ...changesets.map((text) => BUMPS.findIndex((name) => new RegExp(`^"socotra-webhooks-contract":\\s*${name}\\s*$`, "m").test(text))));
  const [major = 0, minor = 0, patch = 0] = version.split(".").map(Number);
  return bump === 2 ? `${major + 1}.0.0` : bump === 1 ? `${major}.${minor + 1}.0` : bump === 0 ? `${major}.${minor}.${patch + 1}` : version;
}

const pendingChangesets = () =>
  [...git("ls-files", ".changeset").split("\n"), ...git("ls-files", "--others", "--exclude-standard", ".changeset").split("\n")].filter(
    (file) => file.endsWith(".md") && !file.endsWith("README.md"),
  );

describe("release safety", () => {
  it("has one version in package.json, the spec, the bundle and the changelog", async () => {
    const { version } = JSON.parse(await readFile(`${root}package.json`, "utf8"));
    const source = parseYaml(await readFile(`${root}openapi/openapi.yaml`, "utf8"));
    const bundled = JSON.parse(await readFile(`${root}generated/openapi.json`, "utf8"));
    const changelog = /^## (\S+)/m.exec(await readFile(`${root}CHANGELOG.md`, "utf8"))?.[1];
    expect({ spec: source.info.version, bundle: bundled.info.version, changelog }).toEqual({ spec: version, bundle: version, changelog: version });
  });

  it("declares the version a set of changesets makes", () => {
    const minor = '---\n"socotra-webhooks-contract": minor\n---\n\nText.';
    const major = '---\n"socotra-webhooks-contract": major\n---\n';
    expect(declaredVersion("0.1.0", [])).toBe("0.1.0");
    expect(declaredVersion("0.1.0", [minor])).toBe("0.2.0");
    expect(declaredVersion("0.1.3", [minor, major])).toBe("1.0.0");
    expect(declaredVersion("1.2.3", ['---\n"socotra-webhooks-contract": patch\n---\n'])).toBe("1.2.4");
  });

  it("ships no undeclared breaking change since the last release (a breaking change needs a breaking release or changeset)", async () => {
    const base = lastRelease();
    const { version } = JSON.parse(await readFile(`${root}package.json`, "utf8"));
    const declared = declaredVersion(version, await Promise.all(pendingChangesets().map((file) => readFile(`${root}${file}`, "utf8"))));
    const result = await promisify(execFile)(process.execPath, ["scripts/diff.js", "--base", base, "--release-version", declared], { cwd: root }).then(
      (r) => ({ ...r, code: 0 }),
      (error) => error,
    );
    expect(result.code, `npm run diff -- --base ${base}\n${result.stdout}${result.stderr}`).toBe(0);
  }, 30_000);

  it("comes with release notes when the spec or the runtime changed", () => {
    const base = lastRelease();
    const changed = git("diff", "--name-only", base, "--", "openapi", "src");
    if (changed === "") return;
    const pending = pendingChangesets();
    const changelogTouched = git("diff", "--name-only", base, "--", "CHANGELOG.md") !== "";
    expect(pending.length > 0 || changelogTouched, `openapi/ or src/ changed since ${base} (${changed.split("\n").join(", ")}): add a changeset (npx changeset)`).toBe(true);
  });
});
