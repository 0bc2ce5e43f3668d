// Runs the CLI in-process with captured streams, and a small stand-in for the platform's webhook
// endpoints (state in memory) for the unit tests; the end-to-end drill runs against the simulator.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WebhookDivertedEventResponse, WebhookRequest, WebhookResponse } from "../../src/index.js";
import { parse } from "../../src/index.js";
import { run, type CliIO } from "../../src/cli/run.js";

export const TOKEN = "tok-3f9a61c2-secret";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function capture(isTTY = false) {
  const stream = { text: "", isTTY, write: (chunk: string) => ((stream.text += chunk), true) };
  return stream;
}

export async function cli(argv: string[], io: Partial<CliIO> & { env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  const stdout = capture();
  const stderr = capture();
  const env = { SOCOTRA_TOKEN: TOKEN, SOCOTRA_BASE_URL: "http://platform.test", ...io.env };
  const code = await run(argv, { stdout, stderr, ...io, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "socotra-cli-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

const json = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? {} : { "content-type": "application/json" } });

/** Webhooks and diverted events in memory, behind the eight operations' paths. */
export function fakePlatform() {
  const webhooks = new Map<string, WebhookResponse>();
  const diverted = new Map<string, WebhookDivertedEventResponse[]>();
  const requests: string[] = [];
  const resent: string[] = [];
  let failure: ((method: string, path: string) => number | undefined) | undefined;
  let nextEventId = 0;

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname);
    requests.push(`${request.method} ${path}`);
    if (request.headers.get("authorization") !== TOKEN) return json(401, { message: "Unauthorized" });
    const forced = failure?.(request.method, path);
    if (forced !== undefined) return json(forced, { message: "forced" });
    const [, root, name, sub, transactionId, action] = url.pathname.split("/").map(decodeURIComponent);
    if (root !== "webhooks") return json(404, { message: "no such path" });
    if (name === undefined) {
      if (request.method === "GET") return json(200, { webhooks: [...webhooks.values()] });
      const body: WebhookRequest = parse("WebhookRequest", await request.text());
      const held = webhooks.get(body.name);
      const stored: WebhookResponse = {
        enabled: true,
        events: [],
        integrationName: "none",
        retryStrategy: "none",
        suspended: false,
        ...held,
        ...body,
        failureHandling: { actOnStatusCodes: [], actOnTimeout: false, mode: "none", ...held?.failureHandling, ...body.failureHandling },
      } as WebhookResponse;
      delete (stored as { resetAlertIntegrationName?: boolean }).resetAlertIntegrationName;
      webhooks.set(body.name, stored);
      return json(200, stored);
    }
    const webhook = webhooks.get(name);
    if (webhook === undefined) return json(404, { message: "Webhook not found" });
    const events = diverted.get(name) ?? [];
    if (sub === undefined) {
      if (request.method === "GET") return json(200, webhook);
      webhooks.delete(name);
      return json(200);
    }
    if (sub === "unsuspend") {
      const { suspendedTimestamp: _, ...rest } = webhook;
      webhooks.set(name, { ...rest, suspended: false });
      return json(200, webhooks.get(name));
    }
    if (transactionId === undefined) {
      const limit = Number(url.searchParams.get("limit") ?? 100);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      return json(200, { webhookName: name, events: events.slice(offset, offset + limit) });
    }
    if (!events.some((event) => event.transactionId === transactionId)) return json(404, { message: "not diverted" });
    diverted.set(name, events.filter((event) => event.transactionId !== transactionId));
    if (action === "resend") resent.push(transactionId);
    return json(200);
  }

  return {
    webhooks,
    diverted,
    requests,
    resent,
    fetch: (request: Request) => handle(request),
    failWhen(rule: typeof failure) {
      failure = rule;
    },
    divert(name: string, count: number, make: (index: number) => Partial<WebhookDivertedEventResponse> = () => ({})) {
      const list = diverted.get(name) ?? [];
      for (let index = 0; index < count; index += 1) {
        list.push({ eventId: `ev-${nextEventId++}`, eventType: "policy.issue", timestamp: String(1_780_000_000_000 + index * 1000), transactionId: `tx-${list.length}`, username: "ops", data: {}, ...make(index) });
      }
      diverted.set(name, list);
    },
  };
}

export const aWebhook = (name: string, extra: Partial<WebhookResponse> = {}): WebhookResponse => ({
  name,
  enabled: true,
  events: ["policy.issue", "policy.endorse"],
  integrationName: "document-service",
  retryStrategy: "three",
  failureHandling: { actOnStatusCodes: ["500", "503"], actOnTimeout: true, mode: "divert" },
  suspended: false,
  ...extra,
});
