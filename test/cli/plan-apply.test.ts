// Definitions as code: plan shows field-by-field what apply would do; apply does it; bad files
// are refused with the file, the webhook, the field and the rule named.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "../../src/index.js";
import { createSimulator } from "../../src/simulator/index.js";
import { aWebhook, cli, fakePlatform, tempDir } from "./harness.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => void (dir = await tempDir()));
afterEach(() => dir.remove());

const write = (name: string, text: string) => writeFile(join(dir.path, name), text);

describe("plan and apply", () => {
  it("resetAlertIntegrationName: plan shows the alert integration removed, and converges once applied", async () => {
    const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/", alerts: "http://127.0.0.1:9/alerts" } });
    const io = { fetch: (request: Request) => simulator.handle(request), cwd: dir.path };
    await write("with.yaml", "name: w\nintegrationName: svc\nalertIntegrationName: alerts\nevents: [policy.issue]\n");
    expect((await cli(["apply", "with.yaml"], io)).code).toBe(0);
    await write("reset.yaml", "name: w\nintegrationName: svc\nresetAlertIntegrationName: true\nevents: [policy.issue]\n");
    const plan = await cli(["plan", "reset.yaml"], io);
    expect(plan.stdout).toBe('webhook w (reset.yaml): update\n  - alertIntegrationName: "alerts"\n\nPlan: 0 to create, 1 to update, 0 unchanged.\n');
    expect(JSON.parse((await cli(["plan", "reset.yaml", "--json"], io)).stdout)[0].changes).toEqual([{ field: "alertIntegrationName", from: "alerts" }]);
    expect((await cli(["apply", "reset.yaml"], io)).code).toBe(0);
    expect(simulator.snapshot().webhooks[0]!.webhook.alertIntegrationName).toBeUndefined();
    expect((await cli(["plan", "reset.yaml"], io)).stdout).toBe("webhook w (reset.yaml): no change\n\nPlan: 0 to create, 0 to update, 1 unchanged.\n");
    const again = await cli(["apply", "reset.yaml", "--json"], io);
    expect(JSON.parse(again.stdout)).toEqual([{ file: "reset.yaml", name: "w", action: "unchanged", changes: [] }]);
  });

  it("plan lists each field to create or change; apply makes it so; a second plan shows no change", async () => {
    const platform = fakePlatform();
    platform.webhooks.set("policy-events", aWebhook("policy-events", { suspended: true, suspendedTimestamp: "1589740898000", displayName: "Policies" }));
    await write(
      "policy.yaml",
      `name: policy-events
enabled: false
events: [policy.endorse, policy.issue, claim.create]
failureHandling:
  mode: suspend
`,
    );
    await write("claims.json", JSON.stringify([{ name: "claims-feed", integrationName: "warehouse", events: ["claim.create"] }]));
    const io = { fetch: platform.fetch, cwd: dir.path };

    const plan = await cli(["plan", "policy.yaml", "claims.json"], io);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toBe(
      [
        "webhook policy-events (policy.yaml): update",
        "  ~ enabled: true → false",
        '  ~ events: + "claim.create"',
        '  ~ failureHandling.mode: "divert" → "suspend"',
        "webhook claims-feed (claims.json): create",
        '  + name: "claims-feed"',
        '  + integrationName: "warehouse"',
        '  + events: ["claim.create"]',
        "",
        "Plan: 1 to create, 1 to update, 0 unchanged.",
        "",
      ].join("\n"),
    );
    expect(platform.requests.filter((request) => !request.startsWith("GET"))).toEqual([]);

    const planJson = await cli(["plan", "policy.yaml", "--json"], io);
    expect(JSON.parse(planJson.stdout)).toEqual([
      {
        file: "policy.yaml",
        name: "policy-events",
        action: "update",
        changes: [
          { field: "enabled", from: true, to: false },
          { field: "events", from: ["policy.issue", "policy.endorse"], to: ["policy.endorse", "policy.issue", "claim.create"] },
          { field: "failureHandling.mode", from: "divert", to: "suspend" },
        ],
      },
    ]);

    const apply = await cli(["apply", "policy.yaml", "claims.json", "--json"], io);
    expect(apply.code).toBe(0);
    const applied = JSON.parse(apply.stdout) as { name: string; action: string; webhook: unknown }[];
    expect(applied.map((entry) => [entry.name, entry.action])).toEqual([["policy-events", "update"], ["claims-feed", "create"]]);
    for (const entry of applied) parse("WebhookResponse", entry.webhook);
    // Fields the file leaves out keep what the platform held; what it adds (suspended) is never sent.
    const sent = platform.webhooks.get("policy-events")!;
    expect(sent).toMatchObject({ enabled: false, displayName: "Policies", retryStrategy: "three", failureHandling: { mode: "suspend", actOnStatusCodes: ["500", "503"], actOnTimeout: true } });

    const again = await cli(["plan", "policy.yaml", "claims.json"], io);
    expect(again.stdout).toMatch(/policy-events \(policy\.yaml\): no change\nwebhook claims-feed \(claims\.json\): no change\n\nPlan: 0 to create, 0 to update, 2 unchanged\./);
    const reapply = await cli(["apply", "policy.yaml", "claims.json"], io);
    expect(reapply.stdout).toBe("2 webhook(s) unchanged.\n");
  });

  it("get --definition exports a webhook as a definition that plans as no change, in YAML or JSON", async () => {
    const platform = fakePlatform();
    platform.webhooks.set("policy-events", aWebhook("policy-events", { suspended: true, suspendedTimestamp: "1589740898000" }));
    const io = { fetch: platform.fetch, cwd: dir.path };
    const yaml = await cli(["get", "policy-events", "--definition"], io);
    expect(yaml.stdout).toMatch(/^name: policy-events\nenabled: true\nevents:\n {2}- policy\.issue\n/);
    expect(yaml.stdout).not.toContain("suspended");
    const json = await cli(["get", "policy-events", "--definition", "--json"], io);
    parse("WebhookRequest", json.stdout);
    await write("exported.yaml", yaml.stdout);
    await write("exported.json", json.stdout.replace("policy-events", "copy"));
    const plan = await cli(["plan", "exported.yaml", "exported.json"], io);
    expect(plan.stdout).toMatch(/webhook policy-events \(exported\.yaml\): no change\nwebhook copy \(exported\.json\): create\n/);
  });

  it("apply reports a webhook the platform refuses and exits 1, having applied the others", async () => {
    const platform = fakePlatform();
    platform.failWhen((method) => (method === "PUT" ? 500 : undefined));
    await write("a.yaml", "name: a\n");
    const { code, stderr } = await cli(["apply", "a.yaml"], { fetch: platform.fetch, cwd: dir.path });
    expect(code).toBe(1);
    expect(stderr).toBe("error: 1 webhook(s) not applied:\n  a: creating it: the platform answered 500\n");
  });
});

describe("bad definition files", () => {
  it("every error names the file, the webhook and the field with its rule; nothing is sent", async () => {
    const platform = fakePlatform();
    await write(
      "bad.yaml",
      `name: policy-events
events: [policy.issued]
retryStrategy: twice
failureHandling: { mode: divert, actOnTimeout: "yes" }
suspended: false
---
- displayName: nameless
- name: claims
  enabled: 1
`,
    );
    await write("broken.json", '{"name": "x", "name": "y"}');
    await write("list.yaml", "- just a string\n");
    await write("empty.yaml", "# nothing\n");
    await write("proto.json", '{"name": "p", "__proto__": {"enabled": true}, "constructor": 1}');
    await write("dots.yaml", "name: ..\n");
    const { code, stdout, stderr } = await cli(["apply", "bad.yaml", "broken.json", "list.yaml", "empty.yaml", "proto.json", "dots.yaml", "absent.yaml"], { fetch: platform.fetch, cwd: dir.path });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(platform.requests).toEqual([]);
    const lines = stderr.split("\n");
    expect(lines[0]).toMatch(/^error: \d+ problem\(s\) in the definition files; nothing was changed:$/);
    for (const expected of [
      "bad.yaml: webhook policy-events: field /suspended is not a field of this schema (additionalProperties: false) (rule: additionalProperties); the platform adds this field, a definition may not set it (`socotra-webhooks get NAME --definition` prints a webhook without them)",
      "bad.yaml: webhook policy-events: field /events/0 must be one of the 100 allowed values (rule: enum)",
      "bad.yaml: webhook policy-events: field /retryStrategy must be one of the 3 allowed values (rule: enum)",
      "bad.yaml: webhook policy-events: field /failureHandling/actOnTimeout must be boolean (rule: type)",
      "bad.yaml: definition #2 (no name): field /name is required (rule: required)",
      "bad.yaml: webhook claims: field /enabled must be boolean (rule: type)",
      "list.yaml: the definition (no name): must be a webhook definition (an object with at least a name), or a list of them",
      "empty.yaml: holds no webhook definition",
      "proto.json: webhook p: field /__proto__ is not a field of this schema (additionalProperties: false) (rule: additionalProperties)",
      "proto.json: webhook p: field /constructor is not a field of this schema (additionalProperties: false) (rule: additionalProperties)",
      "dots.yaml: webhook ..: field /name is a dot segment (`.` or `..`) that the URL parser would remove, changing the endpoint (rule: dot-segment)",
      "absent.yaml: cannot be read: ENOENT",
    ]) {
      expect(lines).toContain(`  ${expected}`);
    }
    expect(stderr).toMatch(/ {2}broken\.json: not valid YAML or JSON at line 1, column \d+: map keys must be unique \(rule: YAML DUPLICATE_KEY\)/);
  });

  it("refuses a webhook defined twice, a huge file and aliases that expand without bound", async () => {
    await write("one.yaml", "name: dup\n");
    await write("two.yaml", "name: dup\nenabled: true\n");
    await write("huge.yaml", `name: big\ndisplayName: ${"x".repeat(1_100_000)}\n`);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 9; level += 1) bomb.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9).fill(`*${String.fromCharCode(96 + level)}`).join(", ")}]`);
    await write("bomb.yaml", `${bomb.join("\n")}\nname: boom\n`);
    const { code, stderr } = await cli(["plan", "one.yaml", "two.yaml", "huge.yaml", "bomb.yaml"], { fetch: fakePlatform().fetch, cwd: dir.path });
    expect(code).toBe(2);
    expect(stderr).toContain("two.yaml: webhook dup: also defined in one.yaml; define each webhook once");
    expect(stderr).toContain("huge.yaml: cannot be read: is larger than 1048576 bytes");
    expect(stderr).toMatch(/bomb\.yaml: .*alias/i);
  });
});
