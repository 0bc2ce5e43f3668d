// The simulator's console in a real browser (Debian's Chromium driven by playwright-core): the
// outage drill done by clicking, from a fresh simulator and a real receiver; unsuspend; hostile
// names and data shown as text with no script run; no request leaves the host. The drill takes
// a screenshot of the console: into docs/console.png with UPDATE_SCREENSHOTS=1, else into a
// temporary folder, so that a test run leaves the tree as it was.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const root = fileURLToPath(new URL("../..", import.meta.url));
const STEP = { timeout: 15_000 };
const screenshots = process.env.UPDATE_SCREENSHOTS === "1" ? undefined : mkdtempSync(join(tmpdir(), "console-e2e-"));
const SCREENSHOT = screenshots === undefined ? join(root, "docs", "console.png") : join(screenshots, "console.png");

/** A receiver on a real port that can go down (connection refused) and come back on the same port. */
async function startDownableReceiver() {
  const received: { id: string; body: string }[] = [];
  let server: Server | undefined;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((request: IncomingMessage, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          const id = (JSON.parse(body) as { id?: string }).id;
          if (id !== undefined) received.push({ id, body });
          response.writeHead(200).end();
        });
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      if (server === undefined) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
      server = undefined;
    });
  await up();
  return { received, up, down, url: () => `http://127.0.0.1:${port}/events` };
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let running: RunningSimulator;
let receiver: Awaited<ReturnType<typeof startDownableReceiver>>;
const offHost: string[] = [];
const dialogs: string[] = [];
const pageErrors: string[] = [];

/** Calls the simulator as the API does (any token: the simulator has none). */
async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${running.url}${path}`, { method, headers: { authorization: "t", "content-type": "application/json" }, ...(body !== undefined && { body: JSON.stringify(body) }) });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH.`);
  receiver = await startDownableReceiver();
  running = await startSimulator({ assume: { retryDelayMs: 0, deliveryTimeoutMs: 5_000 } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  // Every request the page makes is checked: anything but this machine's loopback is refused and recorded.
  await context.route("**/*", (route) => {
    const { protocol, hostname } = new URL(route.request().url());
    if ((protocol === "http:" || protocol === "https:") && (hostname === "127.0.0.1" || hostname === "localhost")) return route.continue();
    if (protocol === "data:" || protocol === "about:") return route.continue();
    offHost.push(route.request().url());
    return route.abort();
  });
  page = await context.newPage();
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(running.consoleUrl, STEP);
  await page.getByRole("heading", { name: "Webhooks", exact: true }).waitFor(STEP);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  await receiver?.down();
  if (screenshots !== undefined) rmSync(screenshots, { recursive: true, force: true });
});

async function raise(type: string, data: string): Promise<string> {
  await page.getByLabel("Search event types").fill(type);
  await page.getByLabel("Event type", { exact: true }).selectOption(type);
  await page.getByLabel("Data (JSON object)").fill(data);
  await page.getByRole("button", { name: "Raise event" }).click();
  const result = page.locator("#raise-result");
  await expect.poll(() => result.innerText(), STEP).toMatch(/^Raised|^\d{3}:|data:/);
  return result.innerText();
}

describe("the simulator console in Chromium", () => {
  it("runs the outage drill by clicking: register, fail and divert, resend all, each delivered once", { timeout: 120_000 }, async () => {
    await page.getByLabel("Integration name").fill("receiver");
    await page.getByLabel("Integration URL").fill(receiver.url());
    await page.getByRole("button", { name: "Save integration" }).click();
    await expect.poll(() => page.locator("#integrations tbody").innerText(), STEP).toContain(receiver.url());

    await page.getByLabel("Webhook name").fill("orders");
    await page.getByLabel("Webhook integration").selectOption("receiver");
    await page.getByLabel("Event types (comma-separated)").fill("policy.issue");
    await page.getByLabel("Failure mode").selectOption("divert");
    await page.getByLabel("Retry strategy").selectOption("one");
    await page.getByRole("button", { name: "Register webhook" }).click();
    const row = page.locator("#webhooks tbody tr", { hasText: "orders" });
    await expect.poll(() => row.innerText(), STEP).toContain("enabled");

    expect(await raise("policy.issue", '{"policyLocator": "100000001"}')).toContain("orders: delivered");
    await receiver.down();
    const diverted: string[] = [];
    for (const n of [1, 2, 3]) {
      const text = await raise("policy.issue", `{"policyLocator": "10000000${n}", "n": ${n}}`);
      expect(text).toContain("orders: diverted");
      diverted.push(/event (\S+),/.exec(text)![1]!);
    }

    // The timeline: each diverted event's two attempts, with no answer, the last one diverted.
    await page.getByLabel("Outcome").selectOption("diverted");
    const rows = page.locator("#timeline tbody tr");
    await expect.poll(() => rows.count(), STEP).toBe(3);
    expect(await rows.first().innerText()).toMatch(/orders\s+delivery\s+policy\.issue[\s\S]*2\s+no answer\s+diverted/);
    await page.getByLabel("Outcome").selectOption("retried");
    await expect.poll(() => rows.count(), STEP).toBe(3);
    await page.getByLabel("Outcome").selectOption("");

    // A delivery opens to show the exact body sent.
    await page.locator("#timeline tbody tr", { hasText: diverted[2]! }).first().getByRole("button").click();
    await expect.poll(() => page.locator("#detail-body").innerText(), STEP).toContain('"n":3');
    const shown = JSON.parse(await page.locator("#detail-body").innerText()) as { id: string; data: unknown };
    expect(shown).toMatchObject({ id: diverted[2], type: "policy.issue", data: { policyLocator: "100000003", n: 3 } });

    // The diverted events, then resend them all once the receiver is back.
    const divertedRows = page.locator("#diverted tbody tr");
    await expect.poll(() => divertedRows.count(), STEP).toBe(3);
    // The count each webhook holds, in its row and over the list.
    await expect.poll(() => row.innerText(), STEP).toMatch(/orders\s+enabled\s+3\s/);
    expect(await page.locator("#diverted-count").innerText()).toBe("Diverted events 1–3 of 3 held by orders.");
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    await receiver.up();
    await page.getByLabel("Select all").check();
    await page.getByRole("button", { name: "Resend selected" }).click();
    await expect.poll(() => page.locator("#diverted-result").innerText(), STEP).toContain("3 of 3 accepted");
    await expect.poll(() => divertedRows.count(), STEP).toBe(0);
    const ids = receiver.received.map(({ id }) => id);
    for (const id of diverted) expect(ids.filter((seen) => seen === id), id).toHaveLength(1);
    expect(ids).toHaveLength(4);
    await page.getByLabel("Outcome").selectOption("delivered");
    await expect.poll(() => rows.count(), STEP).toBe(4);
    await page.getByLabel("Outcome").selectOption("");
  });

  it("unsuspends a suspended webhook", { timeout: 60_000 }, async () => {
    await receiver.down();
    expect((await api("PUT", "/webhooks", { name: "fragile", integrationName: "receiver", events: ["policy.create"], failureHandling: { mode: "suspend", actOnStatusCodes: ["500"], actOnTimeout: true }, retryStrategy: "none" })).status).toBe(200);
    expect((await api("POST", "/_simulator/events", { type: "policy.create", data: {} })).status).toBe(200);
    await receiver.up();
    const row = page.locator("#webhooks tbody tr", { hasText: "fragile" });
    await expect.poll(() => row.innerText(), STEP).toContain("suspended since");
    await row.getByRole("button", { name: "Unsuspend" }).click();
    await expect.poll(() => row.innerText(), STEP).toMatch(/fragile\s+enabled/);
    expect(await row.getByRole("button", { name: "Unsuspend" }).count()).toBe(0);
    expect(((await (await api("GET", "/webhooks/fragile")).json()) as { suspended: boolean }).suspended).toBe(false);
  });

  it("shows hostile names and data as text and runs nothing", { timeout: 60_000 }, async () => {
    const hostile = {
      script: "<script>window.__pwned = 'script'; alert('script')</script>",
      img: "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">",
      link: "javascript:alert('link')",
    };
    const name = `<b onmouseover="alert('name')">hostile</b><img src=x onerror="alert('name')">`;
    expect((await api("PUT", "/_simulator/integrations/%3Csvg%20onload%3Dalert(1)%3E", { url: receiver.url() })).status).toBe(200);
    expect((await api("PUT", "/webhooks", { name, displayName: hostile.img, integrationName: "<svg onload=alert(1)>", events: ["claim.create"], failureHandling: { mode: "divert", actOnStatusCodes: ["500"], actOnTimeout: true }, retryStrategy: "none" })).status).toBe(200);
    await receiver.down();
    const raised = await api("POST", "/_simulator/events", { type: "claim.create", transactionId: hostile.link, data: hostile });
    const { event } = (await raised.json()) as { event: { id: string } };
    // A transaction id that reverses what follows it (U+202E), as long as the simulator takes (1,024 characters).
    const reversing = `\u202Egnp.exe${"x".repeat(1_016)}`;
    const long = (await (await api("POST", "/_simulator/events", { type: "claim.create", transactionId: reversing, data: {} })).json()) as { event: { id: string } };
    await receiver.up();

    const row = page.locator("#webhooks tbody tr", { hasText: "hostile" });
    await expect.poll(() => row.locator("th").innerText(), STEP).toBe(`${name} (${hostile.img})`);
    await page.locator("#filter-webhook").selectOption(name);
    await page.locator("#diverted-webhook").selectOption(name);
    const divertedRow = page.locator("#diverted tbody tr", { hasText: event.id });
    await expect.poll(() => divertedRow.innerText(), STEP).toContain(hostile.link);
    expect(await divertedRow.innerText()).toContain(hostile.script);
    await page.locator("#timeline tbody tr", { hasText: event.id }).first().getByRole("button").click();
    await expect.poll(() => page.locator("#detail-body").innerText(), STEP).toContain(event.id);
    expect(JSON.parse(await page.locator("#detail-body").innerText())).toMatchObject({ transactionId: hostile.link, data: hostile });
    expect(await page.locator("#integrations tbody").innerText()).toContain("<svg onload=alert(1)>");
    // The long transaction id shows bounded, with its reversing mark written out, in the timeline and the diverted events.
    for (const cell of [page.locator("#diverted tbody tr", { hasText: long.event.id }).locator("td.id").nth(1), page.locator("#timeline tbody tr", { hasText: long.event.id }).first().locator("td.id").nth(1)]) {
      await expect.poll(() => cell.innerText(), STEP).toMatch(/^\[U\+202E\]gnp\.exex+…$/);
      expect((await cell.innerText()).length).toBeLessThan(400);
    }
    expect(await page.evaluate(() => document.body.innerText.length)).toBeLessThan(100_000);
    await page.locator("#webhooks tbody tr", { hasText: "hostile" }).locator("th").hover();

    // Nothing became markup: no image, no svg, no link, one script (the page's own), no dialog.
    expect(await page.locator("img, svg, a, b").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(1);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("shows the diverted events of the webhook chosen last, when an earlier choice answers later", { timeout: 60_000 }, async () => {
    // The hostile webhook has diverted events, "fragile" none; its answer is held back until after fragile's.
    await page.route(/\/webhooks\/[^/]*hostile[^/]*\/diverted/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue().catch(() => {});
    });
    try {
      const select = page.locator("#diverted-webhook");
      const hostileName = await select.locator("option", { hasText: "hostile" }).getAttribute("value");
      await select.selectOption("fragile");
      await select.selectOption(hostileName!);
      await select.selectOption("fragile");
      await page.waitForTimeout(2_500);
      expect(await page.locator("#diverted-count").innerText()).toBe("fragile has no diverted events.");
      expect(await page.locator("#diverted tbody tr").count()).toBe(0);
    } finally {
      await page.unrouteAll({ behavior: "wait" });
    }
  });

  it("sends nothing while the tab is hidden, polls again once shown, and backs off while the simulator does not answer", { timeout: 60_000 }, async () => {
    const polls: number[] = [];
    const counting = (request: { url(): string }) => void (request.url().includes("/_simulator/ui/api/timeline") && polls.push(Date.now()));
    page.on("request", counting);
    const visibility = (state: "hidden" | "visible") =>
      page.evaluate((value) => {
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => value });
        document.dispatchEvent(new Event("visibilitychange"));
      }, state);
    try {
      await expect.poll(() => polls.length, STEP).toBeGreaterThan(0);
      await visibility("hidden");
      await page.waitForTimeout(1_500);
      const hidden = polls.length;
      await page.waitForTimeout(3_000);
      expect(polls.length).toBe(hidden);
      await visibility("visible");
      await expect.poll(() => polls.length, STEP).toBeGreaterThan(hidden);

      // The simulator stops answering the timeline: the waits between rounds double (1, 2, 4, 8 s...).
      await page.route("**/_simulator/ui/api/timeline*", (route) => route.abort());
      const failing = polls.length;
      await page.waitForTimeout(8_000);
      const gaps = polls.slice(failing).map((time, i, all) => (i === 0 ? 0 : time - all[i - 1]!)).slice(1);
      expect(polls.length - failing).toBeLessThanOrEqual(4);
      for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(2 ** (i + 1) * 1_000 - 300);
      await expect.poll(() => page.locator("#status").innerText(), STEP).toMatch(/does not answer: trying again in \d+ s/);
      await page.unroute("**/_simulator/ui/api/timeline*");
      await expect.poll(() => page.locator("#status").innerText(), { timeout: 20_000 }).toMatch(/^Live: updated/);
    } finally {
      page.off("request", counting);
      await page.unrouteAll({ behavior: "wait" });
      await visibility("visible");
    }
  });

  it("asks for a token when the simulator has tokens, and sends it only in the Authorization header", { timeout: 60_000 }, async () => {
    const token = "console-e2e-secret-token";
    const guarded = await startSimulator({ tokens: [token] });
    const tab = await context.newPage();
    const seen: { url: string; authorization: string | undefined }[] = [];
    tab.on("request", (request) => seen.push({ url: request.url(), authorization: request.headers().authorization }));
    try {
      await tab.goto(guarded.consoleUrl, STEP);
      await tab.getByLabel("Token").waitFor(STEP);
      expect(await tab.locator("#main").isHidden()).toBe(true);
      await tab.getByLabel("Token").fill(token);
      await tab.getByRole("button", { name: "Use token" }).click();
      await tab.getByRole("heading", { name: "Assumptions in force" }).waitFor(STEP);
      await expect.poll(() => tab.locator("#assumptions tbody tr").count(), STEP).toBeGreaterThan(10);
      const stored = await tab.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]);
      expect(stored).toEqual([0, 0, ""]);
      expect(seen.filter(({ url }) => url.includes(token))).toEqual([]);
      // The webhooks are read in the page's next polling round, which may come after the assumptions.
      await expect.poll(() => seen.some(({ url, authorization }) => url.includes("/webhooks") && authorization === token), STEP).toBe(true);
      expect(seen.filter(({ url }) => url.includes(token))).toEqual([]);
    } finally {
      await tab.close();
      await guarded.stop();
    }
  });

  it("stays responsive with 100,000 attempts in the journal: one page of rows in the DOM", { timeout: 180_000 }, async () => {
    // Deliveries answered in-process (no sockets), so that filling the journal takes seconds: one
    // in ten answered 500, which `mode: none` drops.
    let n = 0;
    const full = await startSimulator({ assume: { retryDelayMs: 0 }, integrations: { bulk: "http://bulk.invalid/events" }, fetch: async () => new Response(null, { status: ++n % 10 === 0 ? 500 : 200 }) });
    const tab = await context.newPage();
    try {
      const types = ["policy.issue", "policy.create", "claim.create", "invoice.issue"] as const;
      for (const [i, type] of types.entries()) {
        expect((await full.simulator.handle(new Request(`${full.url}/webhooks`, { method: "PUT", headers: { authorization: "t", "content-type": "application/json" }, body: JSON.stringify({ name: `bulk-${i}`, integrationName: "bulk", events: [type], failureHandling: { mode: "none", actOnStatusCodes: ["500"], actOnTimeout: true }, retryStrategy: "none" }) }))).status).toBe(200);
      }
      const filling = performance.now();
      for (let batch = 0; batch < 100; batch += 1) {
        await Promise.all(Array.from({ length: 1_000 }, (_, i) => full.simulator.emit(types[i % 4]!, { data: { policyLocator: String(100_000_000 + batch * 1_000 + i) } })));
      }
      const filled = performance.now() - filling;
      expect(full.simulator.deliveries()).toHaveLength(100_000);

      const count = tab.locator("#timeline-count");
      const opened = performance.now();
      await tab.goto(full.consoleUrl, STEP);
      await expect.poll(() => count.innerText(), { timeout: 60_000, interval: 10 }).toContain("of 100,000 matching");
      const firstRender = performance.now() - opened;
      expect(await tab.locator("#timeline tbody tr").count()).toBe(100);

      const filtering = performance.now();
      await tab.getByLabel("Outcome").selectOption("dropped");
      await expect.poll(() => count.innerText(), { timeout: 60_000, interval: 10 }).toContain("of 10,000 matching");
      const filter = performance.now() - filtering;

      const paging = performance.now();
      await tab.getByRole("button", { name: "Older" }).click();
      await expect.poll(() => count.innerText(), { timeout: 60_000, interval: 10 }).toContain("Showing 101–200 of 10,000");
      const older = performance.now() - paging;
      expect(await tab.locator("#timeline tbody tr").count()).toBe(100);
      expect(await tab.locator("tr.outcome-dropped").count()).toBe(100);

      // The server's share: one filtered page of the full journal, as the page asks for it.
      const asked = performance.now();
      const answer = await fetch(`${full.url}/_simulator/ui/api/timeline?outcome=dropped&webhook=bulk-1&limit=100`);
      const route = performance.now() - asked;
      const expected = full.simulator.deliveries().filter((entry) => entry.webhookName === "bulk-1" && entry.outcome === "dropped").length;
      expect(expected).toBeGreaterThan(0);
      expect(((await answer.json()) as { matched: number }).matched).toBe(expected);
      const heap = await tab.evaluate(() => (performance as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
      const nodes = await tab.evaluate(() => document.getElementsByTagName("*").length);
      console.log(
        `console with 100,000 journal entries: filled in ${Math.round(filled)} ms; first render ${Math.round(firstRender)} ms; filter ${Math.round(filter)} ms; older page ${Math.round(older)} ms; ` +
          `one filtered timeline request ${Math.round(route)} ms; page heap ${(heap / 1024 / 1024).toFixed(1)} MiB, ${nodes} elements (wall-clock on a shared machine: noisy)`,
      );
      expect(nodes).toBeLessThan(2_500);
    } finally {
      await tab.close();
      await full.stop();
    }
  });

  it("is served with a strict Content-Security-Policy, and no request left the host", async () => {
    const answer = await fetch(running.consoleUrl);
    const policy = answer.headers.get("content-security-policy") ?? "";
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/script-src 'sha256-[^']+'(;|$)/);
    expect(policy).not.toContain("unsafe-inline");
    expect(offHost).toEqual([]);
  });
});
