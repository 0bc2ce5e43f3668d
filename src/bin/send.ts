#!/usr/bin/env node
// socotra-webhooks-send: POSTs contract-valid sample deliveries to a receiver under development.
import { fail, parseCommandLine } from "./cli.js";
import { WEBHOOK_EVENT_TYPES } from "../../generated/event-types.js";
import type { WebhookEventType } from "../../generated/schema.js";
import { sendSampleEvents } from "../sender.js";

const usage = `Usage: socotra-webhooks-send --url URL [--type policy.issue ...] [--count N] [--concurrency C] [--header "Name: value" ...]

Sends sample event deliveries, valid against the contract, to your receiver and reports each answer.
  --url URL          the receiver (http or https)
  --type TYPE        an event type to send (repeatable; "all" for all ${WEBHOOK_EVENT_TYPES.length}; default policy.issue)
  --count N          deliveries per type (default 1)
  --concurrency C    deliveries in flight at once (default 1)
  --header "K: V"    an extra header on every delivery (repeatable)`;

const values = parseCommandLine(usage, {
  url: { type: "string" },
  type: { type: "string", multiple: true },
  count: { type: "string", default: "1" },
  concurrency: { type: "string", default: "1" },
  header: { type: "string", multiple: true },
});
if (!values.url) fail(usage, "--url is required");
const known = new Set<string>(WEBHOOK_EVENT_TYPES);
const types = (values.type ?? ["policy.issue"]).flatMap((type) => (type === "all" ? [...WEBHOOK_EVENT_TYPES] : [type]));
const unknown = types.filter((type) => !known.has(type));
if (unknown.length > 0) fail(usage, `unknown event type(s): ${unknown.join(", ")}`);
const headers: Record<string, string> = {};
for (const line of values.header ?? []) {
  const colon = line.indexOf(":");
  if (colon < 1) fail(usage, `--header must look like "Name: value", got "${line}"`);
  headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
}

try {
  const report = await sendSampleEvents({
    url: values.url,
    types: types as WebhookEventType[],
    count: Number(values.count),
    concurrency: Number(values.concurrency),
    headers,
  });
  for (const d of report.deliveries) console.log(`${d.status !== null && d.status < 300 && d.status >= 200 ? "✓" : "✗"} ${d.type} → ${d.status ?? d.error} (${d.ms.toFixed(1)} ms)`);
  const summary = `${report.deliveries.length} sent, ${report.failures} failed`;
  const latency = report.latencyMs && `; latency p50 ${report.latencyMs.p50.toFixed(1)} ms, p90 ${report.latencyMs.p90.toFixed(1)} ms, p99 ${report.latencyMs.p99.toFixed(1)} ms, max ${report.latencyMs.max.toFixed(1)} ms`;
  console.log(`\n${summary}${latency ?? ""}`);
  process.exitCode = report.failures > 0 ? 1 : 0;
} catch (error) {
  fail(usage, (error as Error).message);
}
