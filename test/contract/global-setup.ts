// Before any test file: compile src/ to dist/ (what the bins and the packed package run), and
// start one Prism for the whole run, in --errors mode, so that a mock response that breaks its own
// schema fails the test that received it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { startMockServer } from "../../src/testing.js";

declare module "vitest" {
  export interface ProvidedContext {
    mockUrl: string;
  }
}

const compileRuntime = () =>
  promisify(execFile)(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    cwd: new URL("../..", import.meta.url),
  });

export default async function setup(project: TestProject) {
  const [mock] = await Promise.all([startMockServer({ errors: true }), compileRuntime()]);
  project.provide("mockUrl", mock.url);
  return () => mock.stop();
}
