// contractDeviations walks only the fields that can lead to an event type (a plan compiled once
// from the spec's field table) and builds a pointer only for what it reports: the same findings
// as a walk over every field, for nested lists, odd values and prototype names.
import { describe, expect, it } from "vitest";
import { contractDeviations } from "../../src/index.js";

const unknown = (path: string, eventType: string) => ({ kind: "unknown-event-type", path, eventType });

describe("contractDeviations", () => {
  it.each([
    ["a webhook's unknown event", "WebhookResponse", { name: "w", events: ["policy.issue", "policy.brandNew"] }, [unknown("/events/1", "policy.brandNew")]],
    ["a list of webhooks", "WebhooksResponse", { webhooks: [{ events: ["x.one"] }, { events: [] }, { events: ["policy.issue", "x.two"] }] }, [unknown("/webhooks/0/events/0", "x.one"), unknown("/webhooks/2/events/1", "x.two")]],
    ["diverted events", "WebhookDivertedEventsResponse", { events: [{ eventType: "policy.issue" }, { eventType: "claim.reopen" }], webhookName: "w" }, [unknown("/events/1/eventType", "claim.reopen")]],
    ["only known types", "WebhookResponse", { events: ["policy.issue"] }, []],
    ["values that are not strings", "WebhookResponse", { events: [5, null, { type: "x" }] }, []],
    ["a field that is not a list", "WebhookResponse", { events: "x.single" }, [unknown("/events", "x.single")]],
    ["a body that is not an object", "WebhooksResponse", [{ webhooks: [] }], []],
    ["null", "WebhooksResponse", null, []],
    ["a schema carrying no event type", "FailureMessage", { eventData: { type: "x.new" } }, []],
    ["no schema", null, { events: ["x.new"] }, []],
    ["a schema the spec lacks", "__proto__", { events: ["x.new"] }, []],
    ["inherited fields", "WebhookResponse", Object.create({ events: ["x.inherited"] }), []],
  ])("%s", (_, schema, value, expected) => {
    expect(contractDeviations(schema as string | null, value)).toEqual(expected);
  });
});
