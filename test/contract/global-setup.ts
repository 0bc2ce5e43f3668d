// Before any test file: build dist/ from src/ (what the bins and the packed package run: the ES
// and CommonJS builds; skipped when src/ and generated/ did not change since the last build), and
// start one Prism for the whole run, in --errors mode, so that a mock response that breaks its own
// schema fails the test that received it.
import type { TestProject } from "vitest/node";
import { buildAll } from "../../scripts/build.js";
import { startMockServer } from "../../src/testing.js";

declare module "vitest" {
  export interface ProvidedContext {
    mockUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Prism starts beside the build (tsc, tsdown): on a loaded machine that outlasts the default
  // 30 s, so this start gets the hooks' bound.
  const [mock] = await Promise.all([startMockServer({ errors: true, startTimeoutMs: 120_000 }), buildAll({ runtimeOnly: true })]);
  project.provide("mockUrl", mock.url);
  return () => mock.stop();
}
