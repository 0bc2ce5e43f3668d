// Figure: the cost of resending through `socotra-webhooks diverted resend` (snapshot, selection,
// the fsynced ledger, progress) against the same resends as a bare loop of client POSTs, both at
// concurrency 8 against one in-process platform that answers at once. The ratio is what the
// safety costs per transaction when the platform is infinitely fast; a real platform's latency
// (tens of milliseconds) hides most of it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createWebhooksClient } from "../dist/index.js";
import { run } from "../dist/cli/run.js";
import { row } from "./lib.js";

const TRANSACTIONS = 1_000;
const ROUNDS = 5;
const CONCURRENCY = 8;
const token = "bench-token-0123456789";
const events = Array.from({ length: TRANSACTIONS }, (_, index) => ({
  eventId: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
  eventType: index % 3 ? "policy.issue" : "claim.create",
  timestamp: String(1_780_000_000_000 + index),
  transactionId: `tx-${index}`,
  username: "underwriter.jane",
  data: { policyLocator: String(100_000_000 + index), productName: "personal-auto" },
}));

/** The platform's diverted list and resend, answering at once. */
async function platform(request) {
  const url = new URL(request.url);
  if (request.method === "POST") return new Response(null, { status: 200 });
  const limit = Number(url.searchParams.get("limit"));
  const offset = Number(url.searchParams.get("offset"));
  return Response.json({ webhookName: "policy-events", events: events.slice(offset, offset + limit) });
}

const quiet = { write: () => true };

async function viaCli() {
  const cwd = mkdtempSync(join(tmpdir(), "bench-cli-"));
  try {
    const started = performance.now();
    const code = await run(["diverted", "resend", "policy-events", "--all", "--concurrency", String(CONCURRENCY)], {
      env: { SOCOTRA_TOKEN: token, SOCOTRA_BASE_URL: "http://platform.bench" },
      fetch: platform,
      cwd,
      stdout: quiet,
      stderr: quiet,
    });
    if (code !== 0) throw new Error(`the CLI exited ${code}`);
    return ((performance.now() - started) * 1e3) / TRANSACTIONS;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const client = createWebhooksClient({ baseUrl: "http://platform.bench", token, fetch: platform });
async function viaLoop() {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TRANSACTIONS) {
        const transactionId = events[next++].transactionId;
        const { response } = await client.POST("/webhooks/{name}/diverted/{transactionId}/resend", { params: { path: { name: "policy-events", transactionId } } });
        if (!response.ok) throw new Error(`resend answered ${response.status}`);
      }
    }),
  );
  return ((performance.now() - started) * 1e3) / TRANSACTIONS;
}

await viaCli();
await viaLoop();
const [subject, baseline] = [[], []];
for (let round = 0; round < ROUNDS; round += 1) {
  subject.push(await viaCli());
  baseline.push(await viaLoop());
}

console.log(
  JSON.stringify([
    row({
      figure: "cli-resend",
      subject: `socotra-webhooks diverted resend --all, ${TRANSACTIONS} transactions`,
      note: "snapshot + fsynced ledger",
      baseline: "a bare loop of client POSTs",
      unit: "µs/transaction",
      subjectSamples: subject,
      baselineSamples: baseline,
    }),
  ]),
);
