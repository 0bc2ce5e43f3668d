// Lints openapi/ with the rules of redocly.yaml. Any problem, warning or error, fails the build.
import { formatProblems, lint, loadConfig } from "@redocly/openapi-core";
import { REDOCLY_CONFIG, SPEC_ENTRY, isMain } from "./lib.js";

export async function lintSpec() {
  const config = await loadConfig({ configPath: REDOCLY_CONFIG });
  const problems = await lint({ ref: SPEC_ENTRY, config });
  if (problems.length > 0) {
    formatProblems(problems, { format: "codeframe", totals: { errors: 0, warnings: 0, ignored: 0 }, version: "" });
    throw new Error(`lint: ${problems.length} problem(s) in openapi/ (warnings count as failures)`);
  }
  return { problems: 0 };
}

if (isMain(import.meta.url)) {
  await lintSpec();
  console.log("lint: no errors, no warnings");
}
