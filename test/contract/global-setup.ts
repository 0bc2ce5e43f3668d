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
  const [mock] = await Promise.all([startMockServer({ errors: true }), buildAll({ runtimeOnly: true })]);
  project.provide("mockUrl", mock.url);
  return () => mock.stop();
}
