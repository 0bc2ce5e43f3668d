// The operations table that the client, verify, the simulator and the command line read: it must
// carry the spec's own statement of which operations are safe to repeat, and cover every operation.
import { describe, expect, it } from "vitest";
import { OPERATIONS, OUTBOUND_WEBHOOKS } from "../../generated/operations.js";
import spec from "../../generated/openapi.json" with { type: "json" };

describe("generated operations table", () => {
  it("pins which operations are idempotent (x-idempotent): only resend is not", () => {
    expect(Object.fromEntries(OPERATIONS.map((op) => [op.operationId, op.idempotent]))).toEqual({
      listWebhooks: true,
      createOrUpdateWebhook: true,
      getWebhook: true,
      deleteWebhook: true,
      unsuspendWebhook: true,
      listDivertedEvents: true,
      deleteDivertedEvent: true,
      resendDivertedEvent: false,
    });
  });

  it("lists every operation of the spec once, with its path parameters in template order", () => {
    const fromSpec = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => key !== "parameters")
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(OPERATIONS.map((op) => `${op.method} ${op.path}`).sort()).toEqual(fromSpec.sort());
    for (const op of OPERATIONS) {
      expect(op.pathParameters.map((p) => p.name)).toEqual([...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      expect(op.successStatuses.length).toBeGreaterThan(0);
    }
  });

  it("lists the outbound webhooks with their body schemas", () => {
    expect(OUTBOUND_WEBHOOKS.map((w) => [w.name, w.schema])).toEqual(
      Object.entries(spec.webhooks).map(([name, item]) => [name, item.post.requestBody.content["application/json"].schema.$ref.split("/").pop()]),
    );
  });

  it("is frozen, so no caller can change the rules at run time", () => {
    expect(Object.isFrozen(OPERATIONS)).toBe(true);
    expect(Object.isFrozen(OPERATIONS[0]!.pathParameters)).toBe(true);
  });
});
