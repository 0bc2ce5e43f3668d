#!/usr/bin/env node
// socotra-webhooks send: POSTs contract-valid sample deliveries to a receiver under development.
import { parseCommandLine } from "../cli.js";
import { exitStatusHelp, fail, say } from "../../cli/output.js";
import { WEBHOOK_EVENT_TYPES } from "../../../generated/event-types.js";
import { ContractValidationError, WebhooksOptionError } from "../../errors.js";
import { headerProblem, selectEventTypes, sendSampleEvents, type AlertKind, type SentDelivery } from "../../sender.js";
import { ALERT_KINDS, alertWords } from "../../rules/alerts.js";

const usage = `Usage: socotra-webhooks send --url URL [--type policy.issue ...] [--count N] [--concurrency C] [--header "Name: value" ...]
                             [--alert failure|suspended] [--data JSON] [--override path=value ...]

Sends sample event deliveries, valid against the contract, to your receiver and reports each answer.
Redirects are not followed: a 3xx is the delivery's answer. Header values are never printed.
  --url URL            the receiver (http or https)
  --type TYPE          an event type (repeatable): exact, an entity wildcard ("claim.*"), or "all" for
                       all ${WEBHOOK_EVENT_TYPES.length}; default policy.issue
  --count N            deliveries per type (default 1): the run sends N times the number of types,
                       so --type all --count 1000 sends ${(1000 * WEBHOOK_EVENT_TYPES.length).toLocaleString("en-US")}
  --concurrency C      deliveries in flight at once (default 1)
  --header "K: V"      an extra header on every delivery (repeatable)
  --alert KIND         send the failure or suspension alert body instead ("failure" or "suspended")
  --data JSON          the event's data (or a failure alert's eventData), as a JSON object
  --override P=V       set the field at dotted path P to V (JSON, or else a string), e.g.
                       --override data.policyLocator=100000042 --override username=ops (repeatable)

${exitStatusHelp({ done: "every delivery answered 2xx", failed: "a delivery did not (listed)", interruptible: false }).trimEnd()}`;

const values = parseCommandLine(usage, {
  url: { type: "string" },
  type: { type: "string", multiple: true },
  count: { type: "string", default: "1" },
  concurrency: { type: "string", default: "1" },
  header: { type: "string", multiple: true },
  alert: { type: "string" },
  data: { type: "string" },
  override: { type: "string", multiple: true },
});
if (!values.url) fail(usage, "--url is required");
const wholeNumber = (flag: string, text: string) => {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) fail(usage, `--${flag} must be a whole number from 1 to 999999999`);
  return Number(text);
};
const count = wholeNumber("count", values.count);
const concurrency = wholeNumber("concurrency", values.concurrency);
let types: ReturnType<typeof selectEventTypes> = [];
try {
  types = selectEventTypes(values.type ?? ["policy.issue"]);
} catch (error) {
  fail(usage, error instanceof WebhooksOptionError ? error.detail : (error as Error).message);
}
if (values.alert !== undefined && values.alert !== "failure" && values.alert !== "suspended") fail(usage, `--alert must be "failure" or "suspended"`);
const headers: Record<string, string> = Object.create(null);
for (const line of values.header ?? []) {
  const colon = line.indexOf(":");
  // The value may be a secret: never echo it.
  if (colon < 1) fail(usage, `--header must look like "Name: value" (the given one has no name before a colon)`);
  const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  const problem = headerProblem(name, value);
  if (problem !== undefined) fail(usage, `--header: ${problem}`);
  headers[name] = value;
}
const readJson = (flag: string, text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return fail(usage, `--${flag} must be JSON`);
  }
};
let data: Record<string, unknown> | undefined;
if (values.data !== undefined) {
  const parsed = readJson("data", values.data);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) fail(usage, "--data must be a JSON object");
  data = parsed as Record<string, unknown>;
}
const overrides: Record<string, unknown> = Object.create(null);
for (const item of values.override ?? []) {
  const equals = item.indexOf("=");
  if (equals < 1) fail(usage, `--override must look like path=value, e.g. data.policyLocator=100000042`);
  const text = item.slice(equals + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: the value is the text itself.
  }
  overrides[item.slice(0, equals)] = value;
}

const total = count * types.length;
const SHOWN = 100;
let shownFailures = 0;
// An alert is named as the alert it is, with the event type it was built from.
const what = (type: string) => (values.alert === undefined ? type : `${alertWords(ALERT_KINDS[values.alert as AlertKind])} (about ${type})`);
const line = (d: SentDelivery) => `${d.status !== null && d.status < 300 && d.status >= 200 ? "✓" : "✗"} ${what(d.type)} → ${d.status ?? d.error} (${d.ms.toFixed(1)} ms)`;
if (total > SHOWN) say(`Sending ${total} deliveries: ${count} of each of ${types.length} type(s).`);
try {
  let done = 0;
  const report = await sendSampleEvents({
    url: values.url,
    types,
    count,
    concurrency,
    headers,
    keepDeliveries: 0,
    ...(values.alert !== undefined && { alert: values.alert as AlertKind }),
    ...(data !== undefined && { data }),
    ...(Object.keys(overrides).length > 0 && { overrides }),
    onDelivery(delivery) {
      done += 1;
      const failed = delivery.status === null || delivery.status < 200 || delivery.status > 299;
      // Every delivery of a short run; of a long one, the first failures only.
      if (total <= SHOWN) say(line(delivery));
      else if (failed && shownFailures++ < SHOWN) say(line(delivery));
      if (total > SHOWN && done % 10_000 === 0) say(`… ${done} of ${total} sent`);
    },
  });
  const summary = `${report.sent} sent, ${report.failures} failed`;
  const latency = report.latencyMs && `; latency p50 ${report.latencyMs.p50.toFixed(1)} ms, p90 ${report.latencyMs.p90.toFixed(1)} ms, p99 ${report.latencyMs.p99.toFixed(1)} ms, max ${report.latencyMs.max.toFixed(1)} ms`;
  say(`\n${summary}${latency ?? ""}`);
  process.exitCode = report.failures > 0 ? 1 : 0;
} catch (error) {
  if (error instanceof ContractValidationError) fail(usage, `the shaped payload breaks the contract: ${error.message}`);
  fail(usage, (error as Error).message);
}
