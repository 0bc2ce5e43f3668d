// The CLI against a hostile user and a hostile platform: files that never end or never open,
// YAML that would be quoted back, names that would drive the terminal, fields left out,
// prototype names, signals and readers that leave early.
import { execFile, execFileSync, spawn } from "node:child_process";
import { constants } from "node:fs";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { WebhookResponse } from "../../src/index.js";
import { parse } from "../../src/index.js";
import { startSimulator } from "../../src/simulator/index.js";
import { run } from "../../src/cli/run.js";
import { readFileBounded } from "../../src/cli/context.js";
import { aWebhook, cli, fakePlatform, tempDir, TOKEN } from "./harness.js";
import { ensureDist } from "../support/dist.js";

// The bins and modules this file runs are the built ones.
beforeAll(ensureDist);

const bin = fileURLToPath(new URL("../../dist/bin/socotra-webhooks.js", import.meta.url));
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => void (dir = await tempDir()));
afterEach(() => dir.remove());

const fifo = (name: string) => {
  const path = join(dir.path, name);
  execFileSync("mkfifo", [path]);
  return path;
};

/** Any character a terminal would interpret or hide, other than the newlines and tabs of the layout. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/u;

describe("files that never end, never open or are not files", () => {
  it("a FIFO nobody writes to: a bounded wait, then an input error naming the option and the rule", async () => {
    fifo("token.fifo");
    const { code, stderr } = await cli(["list", "--token-file", "token.fifo"], { fetch: fakePlatform().fetch, cwd: dir.path, readTimeoutMs: 200 });
    expect(code).toBe(2);
    expect(stderr).toBe("error: --token-file token.fifo is a pipe that did not deliver its data and close within 0.2 s (does anything write to it?); it must name a file or pipe holding the token\n");
  });

  it("Ctrl-C ends the wait on a FIFO (130)", async () => {
    fifo("token.fifo");
    const interrupt = new AbortController();
    const running = cli(["list", "--token-file", "token.fifo"], { fetch: fakePlatform().fetch, cwd: dir.path, signal: interrupt.signal });
    setTimeout(() => interrupt.abort(), 50);
    const { code, stderr } = await running;
    expect(code).toBe(130);
    expect(stderr).toBe("error: interrupted\n");
  });

  it("Ctrl-C that comes while the FIFO is being opened still ends the wait (130), not the read timeout", async () => {
    const path = fifo("token.fifo");
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const interrupt = new AbortController();
      const reading = readFileBounded(path, 1024, { signal: interrupt.signal, timeoutMs: 5_000 });
      // The open and the stat run on libuv's pool: this abort lands between the first check and the read.
      setImmediate(() => interrupt.abort());
      await expect(reading).rejects.toMatchObject({ message: "interrupted", exitCode: 130 });
    }
  });

  it("a FIFO that delivers the token works; one that never ends stops at the size limit", async () => {
    const path = fifo("token.fifo");
    const platform = fakePlatform();
    const writer = spawn("sh", ["-c", 'printf "%s\\n" "$TOKEN" > "$0"', path], { env: { TOKEN, PATH: process.env.PATH }, stdio: "ignore" });
    try {
      expect((await cli(["list", "--token-file", "token.fifo"], { fetch: platform.fetch, cwd: dir.path })).code).toBe(0);
    } finally {
      writer.kill();
    }
    const endless = spawn("sh", ["-c", 'exec yes > "$0"', path], { stdio: "ignore" });
    try {
      const { code, stderr } = await cli(["list", "--token-file", "token.fifo"], { fetch: platform.fetch, cwd: dir.path });
      expect(code).toBe(2);
      expect(stderr).toMatch(/^error: --token-file token\.fifo holds more than 65536 bytes \(rule: a token file holds at most 65536 bytes\)/);
    } finally {
      endless.kill();
    }
  });

  it("a directory or a device is refused before any read, as a token file, a definition file or a ledger", async () => {
    await mkdir(join(dir.path, "folder"));
    const io = { fetch: fakePlatform().fetch, cwd: dir.path, readTimeoutMs: 200 };
    for (const [argv, message] of [
      [["list", "--token-file", "folder"], /^error: --token-file folder is a directory, not a file/],
      [["list", "--token-file", "/dev/zero"], /^error: --token-file \/dev\/zero is a device or special file .*not a regular file or a pipe/],
      [["plan", "/dev/zero"], /\/dev\/zero: cannot be read: is a device or special file/],
      [["plan", "folder"], /folder: cannot be read: is a directory/],
    ] as const) {
      const { code, stderr } = await cli([...argv], io);
      expect(code, argv.join(" ")).toBe(2);
      expect(stderr, argv.join(" ")).toMatch(message);
    }
    fifo("definitions.fifo");
    const plan = await cli(["plan", "definitions.fifo"], io);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/definitions\.fifo: cannot be read: is a pipe that did not deliver its data and close within 0\.2 s/);
  });

  it("a FIFO as the resend ledger is refused, not waited on", async () => {
    const platform = fakePlatform();
    platform.webhooks.set("w", aWebhook("w"));
    platform.divert("w", 2);
    fifo("ledger.fifo");
    const { code, stderr } = await cli(["diverted", "resend", "w", "--all", "--ledger", "ledger.fifo"], { fetch: platform.fetch, cwd: dir.path });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--ledger ledger\.fifo is not a regular file \(rule: the ledger is a file/);
    expect(platform.resent).toEqual([]);
  });

  // Two node processes start here: a loaded machine (several test workers on 2 cores) needs time.
  it("the bin, waiting on a FIFO that is open but silent, ends with 130 on SIGINT and on SIGTERM", { timeout: 90_000 }, async () => {
    const interrupted = async (signal: "SIGINT" | "SIGTERM") => {
      const path = fifo(`${signal}.fifo`);
      const child = spawn(process.execPath, [bin, "list", "--token-file", path], { env: { PATH: process.env.PATH, SOCOTRA_BASE_URL: "http://127.0.0.1:9" }, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      // A writer opens without waiting once the bin holds the read end; it stays open and silent.
      let writer: Awaited<ReturnType<typeof open>> | undefined;
      const deadline = Date.now() + 60_000;
      try {
        while (writer === undefined) {
          writer = await open(path, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
          if (writer === undefined && Date.now() > deadline) throw new Error("the bin never opened the FIFO");
          if (writer === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        child.kill(signal);
        return { code: await exited, stderr };
      } finally {
        child.kill("SIGKILL");
        await writer?.close();
      }
    };
    for (const { code, stderr } of await Promise.all([interrupted("SIGINT"), interrupted("SIGTERM")])) {
      expect(code).toBe(130);
      expect(stderr).toMatch(/interrupted/);
    }
  });
});

describe("other waits", () => {
  it("a stdout that never drains (a paused pager) gives way to Ctrl-C (130)", async () => {
    const platform = fakePlatform();
    platform.webhooks.set("w", aWebhook("w"));
    const interrupt = new AbortController();
    const stuck = { text: "", write: (chunk: string) => ((stuck.text += chunk), false), once: () => undefined };
    const stderr = { text: "", write: (chunk: string) => ((stderr.text += chunk), true) };
    const running = run(["list"], { stdout: stuck, stderr, fetch: platform.fetch, env: { SOCOTRA_TOKEN: TOKEN, SOCOTRA_BASE_URL: "http://platform.test" }, signal: interrupt.signal });
    setTimeout(() => interrupt.abort(), 50);
    expect(await running).toBe(130);
    expect(stuck.text).toMatch(/^NAME/);
  });

  it("a token in SOCOTRA_TOKEN longer than a token file may hold is refused like one", async () => {
    const { code, stderr } = await cli(["list"], { fetch: fakePlatform().fetch, env: { SOCOTRA_TOKEN: "x".repeat(70_000) } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/the token in SOCOTRA_TOKEN is longer than 65536 characters \(rule: a token is at most 65536 characters\)/);
  });
});

describe("YAML errors", () => {
  it("name the file, the place and the rule, never the file's text (tags, aliases, directives, escapes)", async () => {
    const files: Record<string, [string, RegExp]> = {
      "tag.yaml": ["name: !secretTag x\n", /tag\.yaml: not valid YAML or JSON at line 1, column 7: a tag \(!name\) is unknown.* \(rule: YAML TAG_RESOLVE_FAILED\)/],
      "handle.yaml": ["%TAG !e! tag:secretvalue,2000:\n---\nname: !e!secretSuffix x\n", /handle\.yaml: not valid YAML or JSON at line 3, column 7: .*\(rule: YAML TAG_RESOLVE_FAILED\)/],
      "directive.yaml": ["%SECRETDIRECTIVE on\n---\nname: x\n", /directive\.yaml: not valid YAML or JSON at line 1, column 1: a directive .* \(rule: YAML BAD_DIRECTIVE\)/],
      "version.yaml": ["%YAML 9.secret\n---\nname: x\n", /version\.yaml: not valid YAML or JSON at line 1, column \d+: .*\(rule: YAML BAD_DIRECTIVE\)/],
      "escape.yaml": ['name: "a\\qsecret"\n', /escape\.yaml: not valid YAML or JSON at line 1, column \d+: a double-quoted string holds an invalid escape sequence \(rule: YAML BAD_DQ_ESCAPE\)/],
      "alias.yaml": ["name: *secretAlias\n", /alias\.yaml: an alias \(\*name\) names no anchor set before it \(rule: YAML anchors come before their aliases\)/],
      "block.yaml": ["name: x\n|secret\n", /block\.yaml: not valid YAML or JSON at line \d+, column \d+: .*\(rule: YAML [A-Z_]+\)/],
      "deep.json": [`${"[".repeat(100_000)}${"]".repeat(100_000)}`, /deep\.json: not valid YAML or JSON at line 1, column \d+: collections nest too deeply to be read \(rule: YAML RESOURCE_EXHAUSTION\)/],
    };
    for (const [file, [text]] of Object.entries(files)) await writeFile(join(dir.path, file), text);
    const platform = fakePlatform();
    const { code, stdout, stderr } = await cli(["plan", ...Object.keys(files)], { fetch: platform.fetch, cwd: dir.path });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(platform.requests).toEqual([]);
    for (const [, message] of Object.values(files)) expect(stderr).toMatch(message);
    expect(stderr.toLowerCase()).not.toContain("secret");
  });

  it("a key with control characters is named escaped, on one line", async () => {
    await writeFile(join(dir.path, "keys.json"), JSON.stringify({ name: "k", "a\nb\u202ec": 1 }));
    const { code, stderr } = await cli(["plan", "keys.json"], { fetch: fakePlatform().fetch, cwd: dir.path });
    expect(code).toBe(2);
    expect(stderr).toContain("  keys.json: webhook k: field /a\\u000ab\\u202ec is not a field of this schema");
    expect(stderr.trimEnd().split("\n")).toHaveLength(2);
  });
});

describe("what the platform sends, shown on a terminal", () => {
  const evil = "evil\n\rNAME\u001b[31m\u009b2J\u202egnp.exe\u2066\u200b\tcol\u0085";
  const hostile = (): WebhookResponse =>
    aWebhook(evil, { displayName: `shown\n${evil}`, integrationName: `svc\u202e${evil}`, alertIntegrationName: `alert\r${evil}`, events: ["policy.issue"] });

  it("every value is escaped in tables and messages: one line per row, no control or bidi character", async () => {
    const platform = fakePlatform();
    platform.webhooks.set(evil, hostile());
    platform.webhooks.set("plain", aWebhook("plain"));
    platform.divert(evil, 2, (index) => ({ transactionId: `tx\n${index}\u202e`, eventId: `id\u001b${index}` }));
    const outputs: string[] = [];
    const list = await cli(["list"], { fetch: platform.fetch });
    expect(list.code).toBe(0);
    expect(list.stdout.trimEnd().split("\n")).toHaveLength(3);
    const get = await cli(["get", evil], { fetch: platform.fetch });
    expect(get.stdout.trimEnd().split("\n")).toHaveLength(9);
    const diverted = await cli(["diverted", "list", evil], { fetch: platform.fetch });
    expect(diverted.stdout).toContain("tx\\u000a0\\u202e");
    const dryRun = await cli(["diverted", "resend", evil, "--all", "--dry-run"], { fetch: platform.fetch, cwd: dir.path });
    const missing = await cli(["diverted", "resend", evil, "absent\u001b[2J"], { fetch: platform.fetch, cwd: dir.path });
    const deleting = await cli(["delete", evil], { fetch: platform.fetch });
    for (const result of [list, get, diverted, dryRun, missing, deleting]) outputs.push(result.stdout, result.stderr);
    for (const output of outputs) expect(output).not.toMatch(UNSAFE);
    expect(list.stdout).toContain("evil\\u000a\\u000dNAME\\u001b[31m\\u009b2J\\u202egnp.exe\\u2066\\u200b\\u0009col\\u0085");
    expect(deleting.stderr).toMatch(/^error: Delete the webhook evil\\u000a\\u000dNAME.*: not asked/);
  });

  it("JSON output stays exact JSON, and get --definition YAML gives back the same values", async () => {
    const platform = fakePlatform();
    platform.webhooks.set(evil, hostile());
    const json = await cli(["get", evil, "--json"], { fetch: platform.fetch });
    expect(json.stdout).not.toMatch(UNSAFE);
    expect(parse("WebhookResponse", json.stdout)).toEqual(platform.webhooks.get(evil));
    const yaml = await cli(["get", evil, "--definition"], { fetch: platform.fetch });
    expect(yaml.stdout).not.toMatch(UNSAFE);
    const definition = parseYaml(yaml.stdout);
    expect(definition).toMatchObject({ name: evil, displayName: `shown\n${evil}`, integrationName: `svc\u202e${evil}`, alertIntegrationName: `alert\r${evil}` });
  });
});

describe("fields the platform leaves out", () => {
  it("show a placeholder, never `undefined`, in list and get", async () => {
    const platform = fakePlatform();
    const bare = { name: "bare", enabled: true, integrationName: "svc", retryStrategy: "none", suspended: false } as unknown as WebhookResponse;
    platform.webhooks.set("bare", bare);
    platform.webhooks.set("odd", { name: "odd", suspended: true, failureHandling: { mode: "divert" } } as unknown as WebhookResponse);
    platform.webhooks.set("late", aWebhook("late", { suspended: true, suspendedTimestamp: "99999999999999999999" }));
    const list = await cli(["list"], { fetch: platform.fetch });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^bare\s+yes\s+no\s+-\s+svc\s+-$/m);
    expect(list.stdout).toMatch(/^odd\s+-\s+yes\s+divert\s+-\s+-$/m);
    for (const name of ["bare", "odd", "late"]) {
      const get = await cli(["get", name], { fetch: platform.fetch });
      expect(get.code).toBe(0);
      expect(get.stdout).not.toMatch(/undefined|null|NaN|Invalid Date/);
    }
    expect((await cli(["get", "bare"], { fetch: platform.fetch })).stdout).toMatch(/^failureHandling\s+- \(not given\)$/m);
    expect((await cli(["get", "odd"], { fetch: platform.fetch })).stdout).toMatch(/^suspended\s+yes, since \(not given\)$/m);
    // A timestamp no Date can hold is shown as sent (the old code threw RangeError: Invalid time value).
    expect((await cli(["get", "late"], { fetch: platform.fetch })).stdout).toMatch(/^suspended\s+yes, since 99999999999999999999$/m);
    expect((await cli(["get", "odd"], { fetch: platform.fetch })).stdout).toMatch(/^failureHandling\s+mode divert, on status -, on timeout -$/m);
  });

  it("an answer without the contract's shape is a failure (1) that says so, not a crash", async () => {
    const broken = (body: unknown) => async () => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    for (const [argv, body] of [
      [["list"], {}],
      [["list"], { webhooks: "nope" }],
      [["get", "x"], null],
      [["get", "x"], [1]],
    ] as const) {
      const { code, stderr } = await cli([...argv], { fetch: broken(body) });
      expect(code, JSON.stringify(body)).toBe(1);
      expect(stderr).toMatch(/the platform's answer does not have the shape the contract gives it/);
    }
    const nullEntry = await cli(["list"], { fetch: broken({ webhooks: [null, { name: "ok" }] }) });
    expect(nullEntry.code).toBe(0);
    expect(nullEntry.stdout).not.toContain("undefined");
  });
});

describe("prototype names", () => {
  it("__proto__, constructor and toString are ordinary webhook names, in every command", async () => {
    const platform = fakePlatform();
    const names = ["__proto__", "constructor", "toString", "hasOwnProperty"];
    for (const name of names) {
      platform.webhooks.set(name, aWebhook(name));
      platform.divert(name, 1);
    }
    const list = await cli(["list", "--json"], { fetch: platform.fetch });
    expect(parse("WebhooksResponse", list.stdout).webhooks.map((webhook) => webhook.name)).toEqual(names);
    for (const name of names) {
      expect((await cli(["get", name, "--json"], { fetch: platform.fetch })).stdout).toContain(`"name": "${name}"`);
      const resend = await cli(["diverted", "resend", name, "--all"], { fetch: platform.fetch, cwd: dir.path });
      expect(resend.code, name).toBe(0);
      await writeFile(join(dir.path, `${name}.yaml`), `name: ${name}\ndisplayName: renamed\n`);
      const apply = await cli(["apply", `${name}.yaml`], { fetch: platform.fetch, cwd: dir.path });
      expect(apply.code, name).toBe(0);
      expect(platform.webhooks.get(name)?.displayName).toBe("renamed");
    }
    expect(platform.resent).toHaveLength(names.length);
    expect(({} as Record<string, unknown>).displayName).toBeUndefined();
  });
});

describe("the bins and their readers", () => {
  /** The simulator with webhook `w` diverting `count` events; `use` runs with the bin's environment. */
  async function withDiverted(count: number, use: (env: Record<string, string | undefined>) => Promise<void>) {
    const running = await startSimulator({
      tokens: [TOKEN],
      integrations: { svc: "http://receiver.test/" },
      assume: { retryDelayMs: 0 },
      fetch: () => Promise.resolve(new Response(null, { status: 500 })),
    });
    try {
      const env = { PATH: process.env.PATH, SOCOTRA_TOKEN: TOKEN, SOCOTRA_BASE_URL: running.url };
      const body = { name: "w", integrationName: "svc", events: ["policy.issue"], failureHandling: { mode: "divert", actOnStatusCodes: ["500"] } };
      await writeFile(join(dir.path, "w.json"), JSON.stringify(body));
      expect((await cli(["apply", "w.json"], { env, cwd: dir.path })).code).toBe(0);
      for (let index = 0; index < count; index += 1) await running.simulator.emit("policy.issue", { transactionId: `tx-${index}` });
      await use(env);
    } finally {
      await running.stop();
    }
  }

  it("a reader that leaves early (`| head -1`) ends it quietly with status 0", async () => {
    await withDiverted(1000, async (env) => {
      const { stdout, stderr } = await promisify(execFile)("sh", ["-c", '{ node "$0" diverted list w; echo "status $?" >&2; } | head -1', bin], { env, cwd: dir.path });
      expect(stdout).toMatch(/^TRANSACTION\s+EVENT TYPE/);
      expect(stderr).toBe("status 0\n");
    });
  });

  it("a closed pipe (`2>&1 | head -1`) ends a bulk resend's output, never its bookkeeping: every transaction resent and recorded, the lock released", async () => {
    await withDiverted(400, async (env) => {
      const script = '{ node "$0" diverted resend w --all 2>&1; echo "status $?" >&3; } 3>&2 | head -1';
      const { stdout, stderr } = await promisify(execFile)("sh", ["-c", script, bin], { env, cwd: dir.path });
      expect(stdout).toMatch(/^Resending 400 transaction\(s\) of w/);
      expect(stderr).toBe("status 0\n");
      const { readFile, readdir } = await import("node:fs/promises");
      const records = (await readFile(join(dir.path, ".socotra-webhooks-ledger.jsonl"), "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line) as { state: string });
      expect(records.filter((record) => record.state === "resent")).toHaveLength(400);
      expect(records.filter((record) => record.state === "sending")).toHaveLength(400);
      expect((await readdir(dir.path)).filter((file) => file.includes(".lock"))).toEqual([]);
    });
  });
});
