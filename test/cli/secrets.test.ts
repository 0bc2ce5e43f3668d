// Secrets on the command line and in output: a token pasted where the command goes is never
// echoed; human output blanks the token's exact value; machine output (--json, --jsonl) is the
// platform's data as sent, never rewritten.
import { expect, it } from "vitest";
import { aWebhook, cli, fakePlatform, TOKEN } from "./harness.js";

const PASTED = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ.c2lnbmF0dXJl";

it("a token pasted where the command goes is not echoed (unknown command)", async () => {
  for (const argv of [[PASTED], ["diverted", PASTED], ["f3a9c2d1e8b7a6c5d4e3"], ["list", "--base-url", "http://x", PASTED]]) {
    const { code, stderr } = await cli(argv, { fetch: fakePlatform().fetch });
    expect(code, argv.join(" ")).toBe(2);
    expect(stderr, argv.join(" ")).not.toContain(PASTED);
    expect(stderr, argv.join(" ")).not.toContain("f3a9c2d1e8b7a6c5d4e3");
    if (argv.length < 4) expect(stderr).toMatch(/'…' \(\d+ characters, not shown\)/);
  }
  // A plain command word is still named, with commander's suggestion.
  const { stderr } = await cli(["lst"], { fetch: fakePlatform().fetch });
  expect(stderr).toMatch(/unknown command 'lst'/);
});

it("machine output is never rewritten: another JWT sharing the token's first characters stays whole", async () => {
  const platform = fakePlatform();
  platform.webhooks.set("w", aWebhook("w"));
  const lookalike = `${TOKEN.slice(0, 14)}-someone-elses`;
  platform.divert("w", 1, () => ({ data: { note: lookalike, exact: TOKEN } }));
  const jsonl = await cli(["diverted", "list", "w", "--jsonl"], { fetch: platform.fetch });
  expect(jsonl.code).toBe(0);
  expect(JSON.parse(jsonl.stdout).data).toEqual({ note: lookalike, exact: TOKEN });
});

it("human output blanks the token's exact value only", async () => {
  const platform = fakePlatform();
  platform.webhooks.set("w", aWebhook("w", { displayName: `${TOKEN} and ${TOKEN.slice(0, 14)}x` }));
  const { stdout } = await cli(["get", "w"], { fetch: platform.fetch });
  expect(stdout).toContain(`[token] and ${TOKEN.slice(0, 14)}x`);
  expect(stdout).not.toContain(TOKEN);
});
