// outage-drill.ts
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { createWebhookReceiver } from "socotra-webhooks-contract";
import { startSimulator } from "socotra-webhooks-contract/simulator";

const received = new Map<string, number>();
const receiver = createWebhookReceiver().on("*", (event) => void received.set(event.id, (received.get(event.id) ?? 0) + 1));
let receiverUp = false;
const token = "drill-token";
const { url, simulator, stop } = await startSimulator({
  tokens: [token],
  integrations: { "document-service": "http://receiver.internal/socotra" },
  assume: { retryDelayMs: 0 },
  // Deliveries go to the receiver in-process; while it is down they fail with a 503.
  fetch: async (url, init) => (receiverUp ? receiver.handle(new Request(url, init)) : new Response(null, { status: 503 })),
});
const cwd = await mkdtemp(join(tmpdir(), "drill-")); // the ledger goes here
// Run from the project that installed the package: its bins are in node_modules/.bin.
const PATH = `${join(process.cwd(), "node_modules", ".bin")}${delimiter}${process.env.PATH}`;
const cli = (...args: string[]) =>
  promisify(execFile)("socotra-webhooks", args, { cwd, env: { ...process.env, PATH, SOCOTRA_BASE_URL: url, SOCOTRA_TOKEN: token } });
try {
  await writeFile(
    join(cwd, "webhooks.yaml"),
    'name: policy-events\nintegrationName: document-service\nevents: [policy.issue, claim.create]\nfailureHandling: { mode: divert, actOnStatusCodes: ["503"] }\n',
  );
  await cli("apply", "webhooks.yaml");
  for (let index = 0; index < 20; index += 1) await simulator.emit(index % 2 ? "claim.create" : "policy.issue", { transactionId: `tx-${index}` });
  receiverUp = true;
  const { stdout } = await cli("diverted", "resend", "policy-events", "--all");
  console.log(stdout.trim()); // Resent 20 transaction(s) of policy-events in 0.1 s (...); 0 failed, 0 unknown, 0 skipped.
  const again = JSON.parse((await cli("diverted", "resend", "policy-events", "--all", "--json")).stdout);
  assert.equal(received.size, 20);
  assert.ok([...received.values()].every((count) => count === 1), "each event delivered exactly once");
  assert.equal(again.summary.resent, 0);
  console.log(JSON.stringify({ delivered: received.size, secondRunResent: again.summary.resent }));
} finally {
  await stop();
}
