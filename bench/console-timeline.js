// Not a figure of run.js: what one poll of the console's timeline costs the simulator with a full
// journal (100,000 attempts), through the console's own route, in one process. Per kind of poll:
// the median CPU time of a poll, and the bytes it allocates (the heap's growth over one poll right
// after a full GC, median of the rounds: the young generation is made large enough that no
// collection runs inside a poll, and a round where one did is left out). The reference in the same
// process: `simulator.deliveries()` alone, the copy of the journal every poll made before the
// timeline read the journal in place.
//
//   npm run build && node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 bench/console-timeline.js [attempts]
import { performance, PerformanceObserver } from "node:perf_hooks";
import { createSimulator } from "../dist/simulator/index.js";
import { createConsoleRoutes } from "../dist/simulator/console/routes.js";
import { SentBodies } from "../dist/simulator/console/sent-bodies.js";

if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64");
const ATTEMPTS = Number(process.argv[2] ?? 100_000);
const ROUNDS = 30;
const TYPES = ["policy.issue", "policy.create", "claim.create", "invoice.issue"];

let answered = 0;
const simulator = createSimulator({ assume: { retryDelayMs: 0 }, integrations: { bulk: "http://bulk.invalid/events" }, limits: { maxJournal: ATTEMPTS }, fetch: async () => new Response(null, { status: ++answered % 10 === 0 ? 500 : 200 }) });
const headers = { authorization: "t", "content-type": "application/json" };
for (const [i, type] of TYPES.entries()) {
  const body = JSON.stringify({ name: `bulk-${i}`, integrationName: "bulk", events: [type], failureHandling: { mode: "none", actOnStatusCodes: ["500"], actOnTimeout: true }, retryStrategy: "none" });
  const response = await simulator.handle(new Request("http://sim.test/webhooks", { method: "PUT", headers, body }));
  if (response.status !== 200) throw new Error(`PUT /webhooks answered ${response.status}`);
}
let raised = 0;
const raise = (count) => Promise.all(Array.from({ length: count }, () => simulator.emit(TYPES[raised % 4], { data: { policyLocator: String(100_000_000 + raised++) } })));
while (raised < ATTEMPTS) await raise(Math.min(1_000, ATTEMPTS - raised));
if (simulator.deliveries().length !== ATTEMPTS) throw new Error("the journal is not full");

const ui = createConsoleRoutes(simulator, new SentBodies());
async function timeline(query) {
  const answer = await ui.respond({ method: "GET", url: `/_simulator/ui/api/timeline?${new URLSearchParams(query)}`, header: (name) => (name === "authorization" ? "t" : null), body: null });
  if (answer.status !== 200) throw new Error(`the timeline answered ${answer.status}`);
  return JSON.parse(answer.body);
}
const { journal, newest } = await timeline({ limit: "100" });

// Collections by start time (they are reported later): a round with one inside its poll tells nothing about its allocations.
const collections = [];
new PerformanceObserver((list) => collections.push(...list.getEntries().map((entry) => entry.startTime))).observe({ entryTypes: ["gc"] });
const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Median CPU time and allocation of one `poll`, over rounds of `batch` polls (`prepare`, not
 * measured, runs before each round). Time and allocation are measured in rounds of their own: a
 * full GC before a round (which the allocation needs) slows the next poll several times over. The
 * heap's growth is read to a linear allocation buffer's grain (about 100-200 KiB), so small polls
 * are measured in batches.
 */
async function measure(name, poll, { prepare = async () => {}, batch = 1 } = {}) {
  for (let i = 0; i < 5; i += 1) await prepare(), await poll();
  const cpu = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    await prepare();
    const started = process.cpuUsage();
    for (let j = 0; j < batch; j += 1) await poll();
    const used = process.cpuUsage(started);
    cpu.push((used.user + used.system) / 1000 / batch);
  }
  const rounds = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    await prepare();
    globalThis.gc();
    const heap = process.memoryUsage().heapUsed;
    const from = performance.now();
    for (let j = 0; j < batch; j += 1) await poll();
    rounds.push({ grown: (process.memoryUsage().heapUsed - heap) / batch, from, to: performance.now() });
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  const clean = rounds.filter(({ from, to }) => !collections.some((time) => time >= from && time <= to));
  return {
    poll: name,
    cpuMs: Number(median(cpu).toFixed(3)),
    allocatedKiB: clean.length === 0 ? null : Math.round(median(clean.map((round) => round.grown)) / 1024),
    roundsWithoutGc: clean.length,
  };
}

let since = newest;
const rows = [
  await measure("reference: simulator.deliveries() (the copy each poll made)", async () => void simulator.deliveries(), { batch: 20 }),
  await measure("unchanged (since = newest)", () => timeline({ limit: "100", since: String(newest), journal }), { batch: 20 }),
  await measure("changed: newest page after one new attempt", async () => (since = (await timeline({ limit: "100", since: String(since), journal })).newest), { prepare: () => raise(1) }),
  await measure("filtered page (webhook and outcome)", () => timeline({ limit: "100", webhook: "bulk-1", outcome: "dropped" }), { batch: 5 }),
  await measure("older page (before = middle of the journal)", () => timeline({ limit: "100", before: String(newest - ATTEMPTS / 2) }), { batch: 5 }),
];
console.table(rows);
console.log(JSON.stringify({ attempts: ATTEMPTS, rows }));
