// One Prism mock per test file that calls it, in --errors mode (a mock answer that breaks its own
// schema becomes a 500 and fails the test that received it), stopped after the file's tests.
// Call it at the top of the file: `const mock = await useMock();`.
import { afterAll } from "vitest";
import { startMockServer, type MockServer, type MockServerOptions } from "../../src/testing.js";

export async function useMock(options: MockServerOptions = {}): Promise<MockServer> {
  // The hooks' bound: Prism starts slowly while every core is busy.
  const mock = await startMockServer({ errors: true, startTimeoutMs: 120_000, ...options });
  afterAll(() => mock.stop());
  return mock;
}
