// Runs the Redocly CLI exactly as `npm run lint` does: any warning or error fails the test.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

it("lints clean with redocly.yaml (no errors, no warnings)", () => {
  const cli = `${root}node_modules/@redocly/cli/bin/cli.js`;
  let output: string;
  try {
    output = execFileSync(process.execPath, [cli, "lint", "openapi/openapi.yaml", "--format=json"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(output);
  expect(report.problems.map((p: { ruleId: string; message: string }) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
});
