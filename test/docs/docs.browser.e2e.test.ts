// The published docs in a real browser (Debian's Chromium driven by playwright-core): opened from
// file://, every operation and outbound webhook is in the navigation, search finds "unsuspend",
// nothing leaves the page and the console stays free of errors. A screenshot goes to test-results/.
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const root = fileURLToPath(new URL("../..", import.meta.url));
const pageUrl = pathToFileURL(`${root}generated/docs/index.html`).href;
type Json = Record<string, any>;

let browser: Browser;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH.`);
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  // Generous bounds: a 2.6 MB page takes its time to run on a machine whose every core is busy.
  await page.goto(pageUrl, { timeout: 90_000 });
  await page.getByTestId("menu-item-label").first().waitFor({ timeout: 60_000 });
}, 180_000);

afterAll(() => browser?.close());

describe("the HTML docs", () => {
  it("list every operation and outbound webhook of the spec in the navigation", { timeout: 60_000 }, async () => {
    const spec: Json = JSON.parse(await readFile(`${root}generated/openapi.json`, "utf8"));
    const items = [...Object.values(spec.paths as Json), ...Object.values(spec.webhooks as Json)].flatMap((item) =>
      ["get", "put", "post", "delete", "patch"].filter((method) => item[method]).map((method) => item[method].summary as string),
    );
    // Redoc opens one tag group at a time: open each and collect what it lists.
    const labels: string[] = [];
    for (const tag of spec.tags as { name: string }[]) {
      await page.getByTestId("menu-item-label").filter({ hasText: new RegExp(`^${tag.name}$`) }).click();
      labels.push(...(await page.getByTestId("menu-item-label").allInnerTexts()));
    }
    expect(items).not.toHaveLength(0);
    for (const summary of items) expect(labels.some((label) => label.includes(summary)), summary).toBe(true);
  });

  it("show the guide and the event-type catalog", async () => {
    const text = await page.locator("body").innerText();
    for (const heading of ["Authentication", "Failure handling", "The diverted-events lifecycle", "Event types"]) expect(text).toContain(heading);
    for (const eventType of ["policy.issue", "subClaim.updateReserve", "cash.transfer"]) expect(text).toContain(eventType);
  });

  // The search index loads in the background, and a query typed before it is ready is not run
  // again when it arrives; on a busy machine the page may also still be re-rendering, which
  // closes the dialog. Each attempt opens the dialog if it is closed and types the query anew,
  // every step bounded, until the dialog lists the operation or the deadline passes.
  it("find unsuspend through search", { timeout: 100_000 }, async () => {
    const dialog = page.getByTestId("search-dialog");
    const input = dialog.getByPlaceholder("Search docs...");
    const hit = dialog.getByText("/webhooks/{name}/unsuspend").first();
    const step = { timeout: 5_000 };
    const deadline = Date.now() + 80_000;
    // The attempt that lists the operation ends the loop; none by the deadline fails the test.
    let listed = false;
    while (!listed) {
      try {
        if (!(await input.isVisible())) await page.getByText("Search Ctrl+K").first().click(step);
        await input.fill("", step);
        await input.fill("unsuspend", step);
        await hit.waitFor(step);
        listed = true;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached", ...step });
  });

  it("make no request that leaves the page, log no console error, and leave a screenshot", async () => {
    await mkdir(`${root}test-results`, { recursive: true });
    await page.screenshot({ path: `${root}test-results/docs.png` });
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !/^(file|data|blob):/.test(url))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
