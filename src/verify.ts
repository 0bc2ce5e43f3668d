// Checks a real deployment against the contract through Prism's validating proxy, with read-only
// calls only: it never creates, deletes, unsuspends or resends anything.
import { readFileSync } from "node:fs";
import { createWebhooksClient } from "./client.js";
import { startValidatingProxy } from "./testing.js";

export interface ContractViolation {
  /** Where, as Prism reports it: `response.body.webhooks.0.enabled`. */
  location: string;
  message: string;
}

export interface VerifiedCall {
  operationId: string;
  method: "GET";
  path: string;
  status: number;
  violations: ContractViolation[];
}

export interface VerifyOptions {
  upstream: string;
  /** Sent as the raw Authorization value to the upstream; never printed. */
  token: string;
  /** Webhook names to check one by one; default: the first `maxWebhooks` that GET /webhooks lists. */
  names?: string[];
  maxWebhooks?: number;
}

const spec = JSON.parse(readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8")) as {
  paths: Record<string, { get?: { operationId: string } }>;
};
const readOperations = Object.entries(spec.paths).flatMap(([path, item]) =>
  item.get ? [{ path, operationId: item.get.operationId, pathParameters: [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]) }] : [],
);

function violationsOf(response: Response): ContractViolation[] {
  const header = response.headers.get("sl-violations");
  if (!header) return [];
  return (JSON.parse(header) as { location: string[]; message: string }[]).map((v) => ({ location: v.location.join("."), message: v.message }));
}

/** Calls every read operation of the spec through Prism's proxy and returns what broke the contract. */
export async function verifyDeployment(options: VerifyOptions): Promise<VerifiedCall[]> {
  const proxy = await startValidatingProxy({ upstream: options.upstream });
  try {
    const client = createWebhooksClient({ baseUrl: proxy.url, token: options.token, retry: false });
    const get = client.GET as unknown as (path: string, init: object) => Promise<{ data?: unknown; response: Response }>;
    const calls: VerifiedCall[] = [];
    const call = async (operation: (typeof readOperations)[number], pathParams: Record<string, string>) => {
      const { data, response } = await get(operation.path, { params: { path: pathParams } });
      const path = operation.path.replace(/\{(\w+)\}/g, (_, key: string) => encodeURIComponent(pathParams[key] ?? ""));
      calls.push({ operationId: operation.operationId, method: "GET", path, status: response.status, violations: violationsOf(response) });
      return data;
    };
    let names = options.names;
    for (const operation of readOperations.filter((op) => op.pathParameters.length === 0)) {
      const data = (await call(operation, {})) as { webhooks?: { name?: unknown }[] } | undefined;
      names ??= (data?.webhooks ?? []).map((webhook) => webhook.name).filter((name): name is string => typeof name === "string");
    }
    for (const name of (names ?? []).slice(0, options.maxWebhooks ?? 5)) {
      for (const operation of readOperations.filter((op) => op.pathParameters.length === 1 && op.pathParameters[0] === "name")) {
        await call(operation, { name });
      }
    }
    return calls;
  } finally {
    await proxy.stop();
  }
}
