// Figure 1b, the receiver as a server: createNodeHandler(receiver) with one "*" handler against a
// bare node:http server that reads the body, JSON.parses it and answers 200, with
// @octokit/webhooks' createNodeMiddleware (what a user might pick instead) as a third row; at
// concurrency 16 and 64 on loopback, each server in a process of its own, driven by the same
// client (raw keep-alive sockets from this process, opened once per server and concurrency, as the
// platform keeps its connections). Each round runs every server twice, in mirrored order (A B C,
// then C B A), so that a drift in the machine's load during the round weighs on every server
// alike; the ratio is the median of the per-round ratios. Then RSS after 100,000 deliveries, and
// the Fetch form against a bare Fetch handler in a bounded loop.
import { fork } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { openPool } from "./http-pool.js";
import { compare, median, row } from "./lib.js";
import { deliveryText } from "./payloads.js";

const SECRET = "bench-secret";
const body = deliveryText(500);

async function serve(kind) {
  let handler;
  if (kind === "bare") {
    handler = (req, res) => {
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", () => {
        JSON.parse(Buffer.concat(chunks).toString());
        res.end();
      });
    };
  } else if (kind === "receiver") {
    const { createNodeHandler, createWebhookReceiver } = await import("../dist/index.js");
    handler = createNodeHandler(createWebhookReceiver().on("*", () => undefined));
  } else {
    const { Webhooks, createNodeMiddleware } = await import("@octokit/webhooks");
    const webhooks = new Webhooks({ secret: SECRET });
    webhooks.onAny(() => undefined);
    handler = createNodeMiddleware(webhooks, { path: "/" });
  }
  let served = 0;
  const server = createServer((req, res) => {
    served += 1;
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
  process.on("message", (message) => {
    if (message === "stats") process.send({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss, served });
  });
  process.on("disconnect", () => process.exit(0));
}

function requestBytes(kind) {
  const extra =
    kind === "octokit"
      ? `X-GitHub-Event: push\r\nX-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958\r\nX-Hub-Signature-256: sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}\r\n`
      : "";
  return Buffer.from(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`);
}

/** Requests answered 200 in `ms`, over `concurrency` keep-alive connections, one request in flight each. */
function drive(port, request, concurrency, { ms = Infinity, count = Infinity }) {
  return new Promise((resolve, reject) => {
    let ok = 0;
    let sent = 0;
    let open = concurrency;
    const deadline = performance.now() + ms;
    for (let i = 0; i < concurrency; i += 1) {
      const socket = connect(port, "127.0.0.1");
      let buffered = "";
      const next = () => {
        if (performance.now() < deadline && sent < count) {
          sent += 1;
          socket.write(request);
        } else socket.end();
      };
      socket.setEncoding("latin1");
      socket.on("connect", next);
      socket.on("data", (chunk) => {
        buffered += chunk;
        for (;;) {
          const end = buffered.indexOf("\r\n\r\n");
          if (end === -1) return;
          const length = Number(/content-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
          if (buffered.length < end + 4 + length) return;
          if (buffered.slice(9, 12) !== "200") return reject(new Error(`answered ${buffered.slice(0, 12)}`));
          buffered = buffered.slice(end + 4 + length);
          ok += 1;
          next();
        }
      });
      socket.on("error", reject);
      socket.on("close", () => (open -= 1) === 0 && resolve(ok));
    }
  });
}

async function start(kind) {
  const child = fork(fileURLToPath(import.meta.url), ["serve", kind], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const { port } = await new Promise((resolve) => child.once("message", resolve));
  const stats = () => new Promise((resolve) => (child.once("message", resolve), child.send("stats")));
  return { kind, port, request: requestBytes(kind), stats, stop: () => child.kill() };
}

const rowOf = (subject, baseline, unit, subjectSamples, baselineSamples, target, higherIsBetter, note, paired) =>
  row({
    paired,
    figure: "1b. Receiving over HTTP",
    subject,
    baseline,
    unit,
    subjectSamples,
    baselineSamples,
    target,
    higherIsBetter,
    note,
    ifMissed: "Measured on loopback with the load generator on the same shared cores; see the CPU-per-request row, which the generator does not skew.",
  });

async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 11);
  const roundMs = Number(process.env.BENCH_ROUND_MS ?? 600);
  const servers = [];
  for (const kind of ["bare", "receiver", "octokit"]) servers.push(await start(kind));
  const rows = [];
  try {
    const samples = {};
    const sample = (key, value) => (samples[key] ??= []).push(value);
    for (const concurrency of [16, 64]) {
      const pools = new Map();
      for (const server of servers) pools.set(server, await openPool(server.port, server.request, concurrency));
      for (const server of servers) await pools.get(server).run(300); // warm-up
      for (let round = 0; round < rounds; round += 1) {
        // Each server runs twice, in mirrored order (A B C C B A), the first server changing with
        // the round: every server's two halves are centred on the same instant of the round.
        const order = [...servers.slice(round % 3), ...servers.slice(0, round % 3)];
        const before = new Map();
        for (const server of servers) before.set(server, await server.stats());
        const totals = new Map(servers.map((server) => [server, { ok: 0, ms: 0 }]));
        for (const server of [...order, ...order.toReversed()]) {
          const started = performance.now();
          const ok = await pools.get(server).run(roundMs / 2);
          const total = totals.get(server);
          total.ok += ok;
          total.ms += performance.now() - started;
        }
        for (const server of servers) {
          const after = await server.stats();
          const { cpu } = before.get(server);
          const { ok, ms } = totals.get(server);
          sample(`${server.kind} ${concurrency} rps`, ok / (ms / 1000));
          sample(`${server.kind} ${concurrency} cpu`, (after.cpu.user + after.cpu.system - cpu.user - cpu.system) / ok);
        }
      }
      for (const pool of pools.values()) pool.close();
      for (const kind of ["receiver", "octokit"]) {
        const label = kind === "receiver" ? "createNodeHandler(receiver), one * handler" : "@octokit/webhooks createNodeMiddleware (HMAC check)";
        // Every round measures the servers side by side: the median of those per-round ratios is
        // far less swayed by the machine's load drifting between rounds than the ratio of medians.
        const [rps, bareRps, cpu, bareCpu] = ["rps", "bare rps", "cpu", "bare cpu"].map((key) => samples[key.startsWith("bare") ? `bare ${concurrency} ${key.slice(5)}` : `${kind} ${concurrency} ${key}`]);
        rows.push(rowOf(`${label}, 0.5 KB, concurrency ${concurrency}`, "bare node:http: read, JSON.parse, 200", "req/s", rps, bareRps, kind === "receiver" ? 0.9 : undefined, true, `ratio: median of ${rounds} paired rounds; ratio of medians ${(median(rps) / median(bareRps)).toFixed(3)}x`, true));
        rows.push(rowOf(`${label}: server CPU per request, concurrency ${concurrency}`, "bare node:http", "µs/req", cpu, bareCpu, undefined, false, `ratio: median of ${rounds} paired rounds`, true));
      }
    }
    // RSS after 100,000 deliveries (counting those already served), one server at a time.
    const rss = {};
    for (const server of servers) {
      const { served } = await server.stats();
      if (served < 100_000) await drive(server.port, server.request, 64, { count: 100_000 - served });
      rss[server.kind] = [(await server.stats()).rss / 2 ** 20];
    }
    rows.push(rowOf("createNodeHandler(receiver): RSS after 100,000 deliveries", "bare node:http", "MiB", rss.receiver, rss.bare, 1.1, false));
    rows.push(rowOf("@octokit/webhooks createNodeMiddleware: RSS after 100,000 deliveries", "bare node:http", "MiB", rss.octokit, rss.bare, undefined, false));
  } finally {
    for (const server of servers) server.stop();
  }

  // The node handler's own cost per request, in process, with the HTTP machinery taken out: a
  // synthetic request emits the body, as node:http does. Far less noisy than the loopback rows.
  const { createNodeHandler, createWebhookReceiver } = await import("../dist/index.js");
  const { EventEmitter } = await import("node:events");
  const bytes = Buffer.from(body);
  const headers = { "content-type": "application/json", "content-length": String(bytes.length) };
  const response = { statusCode: 200, headersSent: false, setHeader: () => undefined, end: () => undefined };
  const emitOnce = (handler) => {
    const req = Object.assign(new EventEmitter(), { method: "POST", headers, readableEnded: false, pause: () => undefined });
    handler(req, response);
    req.emit("data", bytes);
    req.emit("end");
  };
  const nodeHandler = createNodeHandler(createWebhookReceiver().on("*", () => undefined));
  const bareHandler = (req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString());
      res.end();
    });
  };
  const inProcess = compare(() => emitOnce(nodeHandler), () => emitOnce(bareHandler), { iterations: 5000, rounds: 15 });
  const overhead = median(inProcess.subject) - median(inProcess.baseline);
  rows.push({
    ...rowOf("createNodeHandler(receiver), in process: body events to answer, 0.5 KB", "bare handler: data/end, JSON.parse, end()", "ns/req", inProcess.subject, inProcess.baseline, undefined, false, `${Math.round(overhead)} ns added per request`),
  });

  // The Fetch form, in a bounded loop: the same Request built for both.
  const receiver = createWebhookReceiver().on("*", () => undefined);
  const makeRequest = () => new Request("http://127.0.0.1/", { method: "POST", headers: { "content-type": "application/json" }, body });
  const bare = async (request) => {
    JSON.parse(await request.text());
    return new Response(null, { status: 200 });
  };
  const timeAsync = async (fn, iterations) => {
    const started = performance.now();
    for (let i = 0; i < iterations; i += 1) await fn(makeRequest());
    return ((performance.now() - started) * 1e6) / iterations;
  };
  const [subject, baseline] = [[], []];
  await timeAsync((r) => receiver.handle(r), 2000);
  await timeAsync(bare, 2000);
  // The order alternates each round, so that the garbage one leaves behind is not always paid by the other.
  for (let round = 0; round < 21; round += 1) {
    if (round % 2) {
      subject.push(await timeAsync((r) => receiver.handle(r), 1000));
      baseline.push(await timeAsync(bare, 1000));
    } else {
      baseline.push(await timeAsync(bare, 1000));
      subject.push(await timeAsync((r) => receiver.handle(r), 1000));
    }
  }
  rows.push({ ...rowOf("receiver.handle(Request), 0.5 KB", "bare Fetch handler: await request.text(), JSON.parse, Response", "ns/call", subject, baseline, 1.1, false), figure: "1b. Receiving over HTTP" });
  console.log(JSON.stringify(rows));
}

if (process.argv[2] === "serve") await serve(process.argv[3]);
else await main();
