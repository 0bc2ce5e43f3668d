// Figure 1, receiving a webhook: parseWebhookPayload(jsonString) against JSON.parse(jsonString)
// alone, on realistic deliveries of about 0.5 KB, 5 KB, 50 KB and 1 MB; and the validator alone.
import { parse, parseWebhookPayload } from "../dist/index.js";
import { compare, median, row } from "./lib.js";
import { deliveryText } from "./payloads.js";

const rows = [];
for (const [label, bytes, iterations] of [["0.5 KB", 500, 20000], ["5 KB", 5000, 4000], ["50 KB", 50000, 400], ["1 MB", 1000000, 30]]) {
  const text = deliveryText(bytes);
  const rounds = bytes >= 1000000 ? 15 : 31;
  const { subject, baseline } = compare(() => parseWebhookPayload(text), () => JSON.parse(text), { iterations, rounds });
  const parsed = JSON.parse(text);
  const validated = compare(() => parse("WebhookPayload", parsed), () => JSON.parse(text), { iterations, rounds });
  rows.push(
    row({
      figure: "1. Receiving",
      subject: `parseWebhookPayload(json), ${label}`,
      baseline: "JSON.parse(json)",
      unit: "ns/call",
      subjectSamples: subject,
      baselineSamples: baseline,
      target: 1.05,
      paired: true,
      note: `ratio: median of ${rounds} paired rounds, ratio of medians ${(median(subject) / median(baseline)).toFixed(3)}x`,
      ifMissed: `Beyond JSON.parse, parseWebhookPayload adds the validation (${Math.round(median(validated.subject))} ns, the next row: ${((100 * median(validated.subject)) / median(baseline)).toFixed(1)}% of JSON.parse) and the byte-limit check (Buffer.byteLength, only when the string could exceed it); a miss by a few percent is the run-to-run noise of this shared machine (see the spread).`,
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
