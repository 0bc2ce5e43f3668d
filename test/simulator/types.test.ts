// The simulator's types: what a caller can pass, and what it gets back.
import { describe, expectTypeOf, it } from "vitest";
import type { WebhookEventType } from "../../src/index.js";
import type { ContractViolation as ClientViolation } from "../../src/index.js";
import { createSimulator, type ContractViolation, type EmitResult, type Outcome, type SimulatorViolation } from "../../src/simulator/index.js";

describe("types", () => {
  it("emits only known event types, and answers typed outcomes", () => {
    const simulator = createSimulator();
    expectTypeOf(simulator.emit).parameter(0).toEqualTypeOf<WebhookEventType>();
    expectTypeOf(simulator.emit("policy.issue")).resolves.toEqualTypeOf<EmitResult>();
    expectTypeOf<EmitResult["outcomes"][number]["outcome"]>().toEqualTypeOf<Outcome>();
    // @ts-expect-error: not an event type
    void (() => simulator.emit("policy.teleport"));
    // @ts-expect-error: not an assumption
    void (() => createSimulator({ assume: { retryCount: 3 } }));
    createSimulator({ assume: { retryDelayMs: 0, suspendedWebhook: "queue", "defaults.actOnStatusCodes": ["500"] } });
    expectTypeOf(simulator.assumptions.suspendedWebhook).toEqualTypeOf<"skip" | "queue">();
    expectTypeOf(simulator.assumptions.retryDelayMs).toEqualTypeOf<number>();
    // One name per concept: the simulator's own violations are SimulatorViolation; the old name stays as a deprecated alias.
    expectTypeOf(simulator.violations()).toEqualTypeOf<SimulatorViolation[]>();
    expectTypeOf<ContractViolation>().toEqualTypeOf<SimulatorViolation>();
    expectTypeOf<ClientViolation>().not.toEqualTypeOf<SimulatorViolation>();
  });
});
