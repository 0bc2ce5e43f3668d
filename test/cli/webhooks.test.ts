// The single-webhook commands, the connection options, --help and the token's handling.
import { PassThrough } from "node:stream";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/index.js";
import { createProgram, run } from "../../src/cli/run.js";
import { aWebhook, capture, cli, fakePlatform, tempDir, TOKEN } from "./harness.js";

function platformWith(...names: string[]) {
  const platform = fakePlatform();
  for (const name of names) platform.webhooks.set(name, aWebhook(name));
  return platform;
}

describe("list and get", () => {
  it("list --json prints a WebhooksResponse, get --json a WebhookResponse", async () => {
    const platform = platformWith("policy-events", "claims-feed");
    const list = await cli(["list", "--json"], { fetch: platform.fetch });
    expect(list.code).toBe(0);
    expect(parse("WebhooksResponse", list.stdout).webhooks.map((webhook) => webhook.name)).toEqual(["policy-events", "claims-feed"]);
    const get = await cli(["get", "claims-feed", "--json"], { fetch: platform.fetch });
    expect(parse("WebhookResponse", get.stdout).name).toBe("claims-feed");
  });

  it("prints tables for people, with control characters from the platform shown escaped", async () => {
    const platform = platformWith("policy-events", "evil\u001b[2Jname");
    const { stdout, code } = await cli(["list"], { fetch: platform.fetch });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^NAME\s+ENABLED\s+SUSPENDED\s+MODE\s+INTEGRATION\s+EVENTS\n/);
    expect(stdout).toMatch(/policy-events\s+yes\s+no\s+divert\s+document-service\s+2/);
    expect(stdout).toContain("evil\\u001b[2Jname");
    expect(stdout).not.toContain("\u001b");
    const get = await cli(["get", "policy-events"], { fetch: platform.fetch });
    expect(get.stdout).toMatch(/^events\s+policy\.issue, policy\.endorse$/m);
  });

  it("no control character reaches the terminal, in any output; JSON keeps the same values", async () => {
    const name = "csi\u009b2J-esc\u001b]0;title\u0007-ls\u2028";
    const platform = platformWith(name);
    const json = await cli(["list", "--json"], { fetch: platform.fetch });
    expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028]/);
    expect(parse("WebhooksResponse", json.stdout).webhooks[0]!.name).toBe(name);
    const missing = await cli(["get", "x\u001b[2J"], { fetch: platform.fetch });
    expect(missing.stderr).toBe("error: no webhook named x\\u001b[2J\n");
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, "keys.json"), JSON.stringify({ name: "k", "evil\u001b[2J": 1 }));
      const bad = await cli(["plan", "keys.json"], { fetch: platform.fetch, cwd: dir.path });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("field /evil\\u001b[2J is not a field of this schema");
    } finally {
      await dir.remove();
    }
  });

  it("get of an unknown webhook says so and exits 1", async () => {
    const { code, stderr } = await cli(["get", "nope"], { fetch: platformWith().fetch });
    expect(code).toBe(1);
    expect(stderr).toBe("error: no webhook named nope\n");
  });
});

describe("the token", () => {
  it("a wrong token: a clear message, exit 1, the token printed nowhere", async () => {
    const wrong = "wrong-token-7d1e";
    for (const argv of [["list"], ["get", "x"], ["diverted", "resend", "x", "--all"], ["unsuspend", "x"]]) {
      const { code, stdout, stderr } = await cli(argv, { fetch: platformWith("x").fetch, env: { SOCOTRA_TOKEN: wrong } });
      expect(code).toBe(1);
      expect(stderr).toMatch(/the platform refused the token \(401 Unauthorized\)/);
      expect(stdout + stderr).not.toContain(wrong);
    }
  });

  it("comes from --token-file, trimmed; a missing, empty or huge file is an input error naming the file", async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, "token"), `${TOKEN}\n`);
      expect((await cli(["list"], { fetch: platformWith().fetch, cwd: dir.path, env: { SOCOTRA_TOKEN: undefined } })).code).toBe(2);
      expect((await cli(["list", "--token-file", "token"], { fetch: platformWith().fetch, cwd: dir.path, env: { SOCOTRA_TOKEN: "ignored" } })).code).toBe(0);
      await writeFile(join(dir.path, "empty"), "\n");
      await writeFile(join(dir.path, "huge"), Buffer.alloc(100_000, 65));
      await writeFile(join(dir.path, "two-lines"), `${TOKEN}\nsecond-line-secret\n`);
      await writeFile(join(dir.path, "accented"), "tök-second-line-secret");
      for (const [file, message] of [["absent", /--token-file absent cannot be read: ENOENT/], ["empty", /--token-file empty is empty/], ["huge", /--token-file huge holds more than 65536 bytes \(rule: a token file holds at most 65536 bytes\)/], ["two-lines", /several lines/], ["accented", /non-ASCII/]] as const) {
        const { code, stderr } = await cli(["list", "--token-file", file], { fetch: platformWith().fetch, cwd: dir.path });
        expect(code).toBe(2);
        expect(stderr).toMatch(message);
        expect(stderr).not.toContain("second-line-secret");
      }
    } finally {
      await dir.remove();
    }
  });

  it("is never taken on the command line, and no option value is echoed in an error", async () => {
    for (const argv of [["list", "--token", TOKEN], ["list", `--token=${TOKEN}`], ["list", `--tokn=${TOKEN}`], ["get", "x", `--bearer=${TOKEN}`]]) {
      const { code, stdout, stderr } = await cli(argv, { fetch: platformWith().fetch });
      expect(code).toBe(2);
      expect(stdout + stderr).not.toContain(TOKEN);
    }
  });

  it("typed by mistake as an option's or argument's value, it is not echoed in the error, whole or cut short", async () => {
    // A long token (a JWT) and the errors that quote a value: commander's, and the CLI's own, some cut to 60 characters.
    const token = `eyJhbGciOiJIUzI1NiJ9.${"a1B2c3D4".repeat(12)}`;
    const argvs = [
      ["diverted", "resend", "x", "--all", "--concurrency", token],
      ["list", "--timeout", token],
      ["list", "--token-file", token],
      ["diverted", "resend", "x", "--since", token],
      ["diverted", "list", "x", "--type", token],
      ["diverted", "resend", "x", `${token}\u0000`],
    ];
    for (const argv of argvs) {
      const { code, stdout, stderr } = await cli(argv, { fetch: platformWith("x").fetch, env: { SOCOTRA_TOKEN: token } });
      expect(code, argv.join(" ")).not.toBe(0);
      expect(stdout + stderr, argv.join(" ")).not.toContain(token.slice(0, 24));
    }
    // Without the token in the environment (a token file), commander's errors still never quote a value.
    const { stderr } = await cli(["list", "--timeout", token], { fetch: platformWith("x").fetch, env: { SOCOTRA_TOKEN: undefined } });
    expect(stderr).not.toContain(token.slice(0, 24));
  });

  it("never appears in human output, even where a message would carry it", async () => {
    // The platform echoing the Authorization header into a webhook name is hostile, but possible.
    const platform = platformWith(`leak-${TOKEN}`);
    const { stdout } = await cli(["list"], { fetch: platform.fetch });
    expect(stdout).not.toContain(TOKEN);
    expect(stdout).toContain("leak-[token]");
  });

  it("machine output (--json) is the platform's answer as sent: never rewritten, the token's exact value and lookalikes included", async () => {
    const token = 'tok"en\\with-SECRET-1234';
    const platform = platformWith(`leak-${token}`);
    // A platform that accepts this token: the stand-in knows only TOKEN.
    const accepts = (request: Request) => {
      const headers = new Headers(request.headers);
      if (headers.get("authorization") === token) headers.set("authorization", TOKEN);
      return platform.fetch(new Request(request, { headers }));
    };
    const { stdout } = await cli(["list", "--json"], { fetch: accepts, env: { SOCOTRA_TOKEN: token } });
    expect(JSON.parse(stdout).webhooks[0].name).toBe(`leak-${token}`);
    const human = await cli(["list"], { fetch: accepts, env: { SOCOTRA_TOKEN: token } });
    expect(human.stdout).not.toContain("SECRET-1234");
  });
});

describe("delete and unsuspend", () => {
  it("delete needs --yes when no terminal is attached, and then deletes", async () => {
    const platform = platformWith("old");
    const refused = await cli(["delete", "old"], { fetch: platform.fetch, stdin: Object.assign(new PassThrough(), { isTTY: false }) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pass --yes to confirm/);
    expect(platform.webhooks.has("old")).toBe(true);
    const done = await cli(["delete", "old", "--yes"], { fetch: platform.fetch });
    expect(done).toMatchObject({ code: 0, stdout: "Deleted old.\n" });
    expect(platform.webhooks.has("old")).toBe(false);
  });

  it("delete asks on a terminal: y deletes, anything else or end of input keeps the webhook", async () => {
    for (const [answer, code, kept] of [["y\n", 0, false], ["no\n", 1, true], ["", 1, true]] as const) {
      const platform = platformWith("old");
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      const stderr = capture();
      const result = run(["delete", "old"], { env: { SOCOTRA_TOKEN: TOKEN, SOCOTRA_BASE_URL: "http://platform.test" }, fetch: platform.fetch, stdin, stdout: capture(), stderr });
      stdin.end(answer);
      expect(await result).toBe(code);
      expect(stderr.text).toContain("Delete the webhook old? Its deliveries stop. [y/N]");
      expect(platform.webhooks.has("old")).toBe(kept);
    }
  });

  it("unsuspend --json prints the WebhookResponse", async () => {
    const platform = fakePlatform();
    platform.webhooks.set("held", aWebhook("held", { suspended: true, suspendedTimestamp: "1589740898000" }));
    const { code, stdout } = await cli(["unsuspend", "held", "--json"], { fetch: platform.fetch });
    expect(code).toBe(0);
    expect(parse("WebhookResponse", stdout).suspended).toBe(false);
  });
});

describe("usage", () => {
  it("--help of every command shows an example, and exits 0", async () => {
    const names: string[][] = [];
    const walk = (command: Command, path: string[]) => {
      for (const child of command.commands) {
        if (child.name() === "help") continue;
        names.push([...path, child.name()]);
        walk(child, [...path, child.name()]);
      }
    };
    walk(createProgram(), []);
    const root = await cli(["--help"]);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/Example:\n {2}\$ /);
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const argv of names) {
      const { code, stdout } = await cli([...argv, "--help"]);
      expect(code, argv.join(" ")).toBe(0);
      expect(stdout, argv.join(" ")).toMatch(new RegExp(`Example:\\n {2}\\$ .*socotra-webhooks ${argv.join(" ")}`));
    }
  });

  it("`help` and `help COMMAND` print help and exit 0, as --help does", async () => {
    const root = await cli(["help"]);
    expect([root.code, root.stdout]).toEqual([0, (await cli(["--help"])).stdout]);
    for (const argv of [["help", "list"], ["diverted", "help", "resend"]]) {
      const { code, stdout } = await cli(argv);
      expect(code, argv.join(" ")).toBe(0);
      expect(stdout, argv.join(" ")).toMatch(/^Usage: socotra-webhooks /);
    }
  });

  it("help states no undocumented platform behaviour: apply does not claim that PUT replaces", async () => {
    const { stdout } = await cli(["--help"]);
    expect(stdout).not.toMatch(/replaces/);
    expect(stdout.replace(/\s+/g, " ")).toMatch(/fields a file omits are sent back as read/);
  });

  it("the exit status help of resend and delete says an unknown outcome exits 1, as the run does", async () => {
    for (const action of ["resend", "delete"]) {
      const { stdout } = await cli(["diverted", action, "--help"]);
      expect(stdout.replace(/\s+/g, " "), action).toContain("Exit status: 0 all done, 1 some failed or unknown (listed), 2 bad usage or input, 130 interrupted.");
    }
  });

  it("bad usage exits 2 with the reason: unknown command, missing argument, bad numbers, bad base URL", async () => {
    const cases: [string[], RegExp][] = [
      [["lst"], /unknown command 'lst'/],
      [["get"], /missing required argument 'name'/],
      [["diverted", "resend", "x", "--all", "--concurrency", "0"], /--concurrency takes a whole number from 1 to 64/],
      [["diverted", "resend", "x", "--all", "--rate", "fast"], /--rate takes a number above 0/],
      [["list", "--timeout", "-1"], /--timeout/],
      [["list", "--base-url", "ftp://x"], /must be an http\(s\) URL/],
      [["list", "--base-url", "https://user:pw@host"], /without credentials/],
    ];
    for (const name of ["", ".", ".."]) {
      cases.push([["get", name], /the webhook name (must be at least 1 character\(s\) long \(rule: minLength\)|is a dot segment .* \(rule: dot-segment\))/], [["delete", name, "--yes"], /the webhook name/], [["unsuspend", name], /the webhook name/]);
      cases.push([["diverted", "resend", name, "--all"], /the webhook name/], [["diverted", "list", name], /the webhook name/]);
      cases.push([["diverted", "delete", "w", name, "--yes"], /the transaction id .*\(rule: (minLength|dot-segment)\)/]);
    }
    cases.push([["get", "x".repeat(1025)], /must be at most 1024 characters long, got 1025 \(rule: maxLength\)/]);
    // The client's own check, so the CLI refuses up front what the client would refuse (exit 2, not 1).
    cases.push([["get", "a\ud800"], /the webhook name must be well-formed Unicode .*\(rule: unicode\)/]);
    cases.push([["diverted", "resend", "w", "a\udc00", "--all"], /the transaction id .* \(rule: unicode\)/]);
    for (const [argv, message] of cases) {
      const platform = platformWith();
      const { code, stderr } = await cli(argv, { fetch: platform.fetch });
      expect(code, argv.join(" ")).not.toBe(0);
      expect(stderr, argv.join(" ")).toMatch(message);
      expect(platform.requests).toEqual([]);
    }
  });
});
