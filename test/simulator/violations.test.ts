// A body the simulator produces that breaks the contract is a bug of the simulator: it must fail
// loudly. A validator that refuses one answer stands in for such a bug.
import { afterAll, expect, it, vi } from "vitest";

vi.doMock("../../src/validation.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/validation.js")>();
  const { ContractValidationError } = await import("../../src/errors.js");
  return {
    ...actual,
    parse: (name: string, value: unknown, options?: object) => {
      if (name === "WebhookResponse" && (value as { displayName?: string }).displayName === "bug") {
        throw new ContractValidationError(name, [{ path: "/displayName", rule: "test", message: "stands in for a simulator bug" }]);
      }
      return actual.parse(name as never, value, options);
    },
  };
});
const { createSimulator, SimulatorContractViolation } = await import("../../src/simulator/index.js");
afterAll(() => vi.doUnmock("../../src/validation.js"));

const put = (displayName: string) =>
  new Request("http://sim.test/webhooks", { method: "PUT", headers: { authorization: "t", "content-type": "application/json" }, body: JSON.stringify({ name: "w", integrationName: "svc", displayName }) });

it("rejects handle() by default, so that the test that met it fails", async () => {
  const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/" } });
  expect((await simulator.handle(put("fine"))).status).toBe(200);
  await expect(simulator.handle(put("bug"))).rejects.toThrow(SimulatorContractViolation);
  expect(simulator.violations()).toEqual([{ schema: "WebhookResponse", where: "createOrUpdateWebhook answer", issues: [expect.objectContaining({ path: "/displayName" })] }]);
});

it("answers 500 and tells the handler when one is given", async () => {
  const told: unknown[] = [];
  const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/" }, onContractViolation: (violation) => told.push(violation) });
  const response = await simulator.handle(put("bug"));
  expect(response.status).toBe(500);
  expect(await response.json()).toMatchObject({ message: expect.stringContaining("a bug") });
  expect(told).toHaveLength(1);
  expect(simulator.violations()).toHaveLength(1);
});
