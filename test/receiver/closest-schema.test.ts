// A body that fits no outbound schema is reported against the one it most resembles: `{}` and a
// delivery with fields missing list the delivery envelope's required fields, not the suspension
// alert's (which has the fewest). Before, both answered /event and /integrationName.
import { expect, it } from "vitest";
import { createWebhookReceiver } from "../../src/index.js";
import { send } from "./forms.js";

const issuesFor = async (body: unknown) => {
  const receiver = createWebhookReceiver({ onError: () => undefined });
  const response = await send("fetch", receiver, { body: JSON.stringify(body) });
  expect(response.status).toBe(400);
  return (JSON.parse(response.body) as { issues: { path: string; rule: string }[] }).issues.map((issue) => `${issue.path} ${issue.rule}`).sort();
};

it.each([
  [{}, ["/data required", "/id required", "/timestamp required", "/transactionId required", "/type required", "/username required"]],
  [{ type: "policy.issue" }, ["/data required", "/id required", "/timestamp required", "/transactionId required", "/username required"]],
  [{ event: "policy.issue" }, ["/integrationName required", "/webhookName required"]],
  [[], [" type"]],
])("%j is reported against the schema it resembles", async (body, expected) => {
  expect(await issuesFor(body)).toEqual(expected);
});
