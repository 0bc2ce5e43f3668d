// One Prism for the whole run, in --errors mode, so a mock response that breaks its own schema
// fails the test that received it.
import type { TestProject } from "vitest/node";
import { startMockServer } from "../../src/testing.js";

declare module "vitest" {
  export interface ProvidedContext {
    mockUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const mock = await startMockServer({ errors: true });
  project.provide("mockUrl", mock.url);
  return () => mock.stop();
}
