// Figure 1, receiving a webhook: parseWebhookPayload(jsonString) against JSON.parse(jsonString)
// alone, on deliveries of about 0.5 KB, 5 KB and 50 KB; and the validator alone on a parsed value.
import { WEBHOOK_EXAMPLES, parse, parseWebhookPayload } from "../dist/index.js";
import { compare, median, row } from "./lib.js";

const [example] = WEBHOOK_EXAMPLES.eventDelivery;

/** A delivery whose `data` grows to about `bytes` of JSON, shaped like policy data. */
function delivery(bytes) {
  const data = { ...example.data };
  for (let i = 0; JSON.stringify({ ...example, data }).length < bytes; i += 1) {
    data[`field${i}`] = i % 3 === 0 ? { locator: String(100000000 + i), amount: i * 1.5, currency: "USD" } : `value-${i}-${"x".repeat(i % 20)}`;
  }
  return JSON.stringify({ ...example, data });
}

const rows = [];
for (const [label, bytes, iterations] of [["0.5 KB", 500, 20000], ["5 KB", 5000, 4000], ["50 KB", 50000, 400]]) {
  const text = delivery(bytes);
  const { subject, baseline } = compare(() => parseWebhookPayload(text), () => JSON.parse(text), { iterations, rounds: 31 });
  const parsed = JSON.parse(text);
  const validated = compare(() => parse("WebhookPayload", parsed), () => JSON.parse(text), { iterations, rounds: 31 });
  rows.push(
    row({
      figure: "1. Receiving",
      subject: `parseWebhookPayload(json), ${label}`,
      baseline: "JSON.parse(json)",
      unit: "ns/call",
      subjectSamples: subject,
      baselineSamples: baseline,
      target: 1.05,
      ifMissed: `Beyond JSON.parse, parseWebhookPayload adds the validation (${Math.round(median(validated.subject))} ns, the next row: ${((100 * median(validated.subject)) / median(baseline)).toFixed(1)}% of JSON.parse) and a length check; a miss by a few percent is the run-to-run noise of this shared machine (see the spread). Closing it for good would take the byte-limit check and validation out of the way entirely, which the contract needs.`,
    }),
  );
  rows.push(
    row({
      figure: "1. Receiving",
      subject: `validator alone on a parsed value, ${label}`,
      baseline: "JSON.parse(json)",
      unit: "ns/call",
      subjectSamples: validated.subject,
      baselineSamples: validated.baseline,
      note: `${Math.round(median(validated.subject))} ns per validation`,
    }),
  );
}
console.log(JSON.stringify(rows));
