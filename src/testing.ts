// socotra-webhooks-contract/testing: a Prism mock of this package's spec, for contract tests in
// this repository and in every repository that installs the package. Importing it starts nothing
// and needs nothing; Prism is looked up when a server starts.
import { fileURLToPath } from "node:url";
import { MockServerError, spawnPrism, type MockServer } from "./mock/prism.js";
import { checkHttpUrl } from "./rules/url.js";

export { MockServerError, type MockServer } from "./mock/prism.js";

/** The bundled spec the mock serves. */
export const SPEC_PATH = fileURLToPath(new URL("../generated/openapi.json", import.meta.url));

export interface MockServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Generate responses from the schemas instead of answering the spec's examples. */
  dynamic?: boolean;
  /** Seed for dynamic responses, so that they repeat from run to run. */
  seed?: string | number;
  /** Answer 500 when a response would break its own schema (Prism's `--errors`). Default true. */
  errors?: boolean;
  /** How long to wait for Prism to answer. Default 30,000 ms. */
  startTimeoutMs?: number;
}

/**
 * Starts Prism on this package's bundled spec and resolves once it answers. Prism exits with the
 * process that started it, however that process ends (signal, crash, exit without `stop()`).
 *
 * @example
 * const mock = await startMockServer();
 * const client = createWebhooksClient({ baseUrl: mock.url, token: "any-token" });
 * // ...
 * await mock.stop();
 * @throws MockServerError when the port is taken, Prism is not installed, or Prism fails to start.
 */
export function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const { dynamic = false, seed, errors = true } = options;
  const args = ["mock", SPEC_PATH];
  if (errors) args.push("--errors");
  if (dynamic) args.push("--dynamic", "--json-schema-faker-fillProperties=false");
  if (seed !== undefined) args.push("--seed", String(seed));
  return spawnPrism(args, options);
}

export interface ValidatingProxyOptions {
  /** The real deployment, e.g. `https://api.sandbox.socotra.com`. */
  upstream: string;
  port?: number;
  host?: string;
  startTimeoutMs?: number;
}

/**
 * Starts Prism as a proxy in front of a real deployment: it forwards every request and reports
 * each request or response that breaks the contract in an `sl-violations` header.
 */
export async function startValidatingProxy(options: ValidatingProxyOptions): Promise<MockServer> {
  if (checkHttpUrl(options.upstream).url === undefined) {
    throw new MockServerError("`upstream` must be an http(s) URL without credentials");
  }
  return spawnPrism(["proxy", SPEC_PATH, options.upstream], options);
}
