// The friendly names (Webhook, DivertedEvent...): each is the generated type under a readable
// name (assignable both ways), and an editor's hover shows that name, not the object spelled out
// with its 100 event types. The hovers are TypeScript's own quick info, from its language service.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, expectTypeOf, it } from "vitest";
import type {
  DivertedEvent,
  DivertedEventsPage,
  EventStreamWebhookSuspendedData,
  FailureAlert,
  FailureMessage,
  SuspensionAlert,
  Webhook,
  WebhookDelivery,
  WebhookDivertedEventResponse,
  WebhookDivertedEventsResponse,
  WebhookList,
  WebhookPayload,
  WebhookResponse,
  WebhooksResponse,
} from "../../src/index.js";

describe("each friendly name is its generated type", () => {
  it("is assignable both ways", () => {
    expectTypeOf<Webhook>().toEqualTypeOf<WebhookResponse>();
    expectTypeOf<WebhookList>().toEqualTypeOf<WebhooksResponse>();
    expectTypeOf<DivertedEvent>().toEqualTypeOf<WebhookDivertedEventResponse>();
    expectTypeOf<DivertedEventsPage>().toEqualTypeOf<WebhookDivertedEventsResponse>();
    expectTypeOf<WebhookDelivery>().toEqualTypeOf<WebhookPayload>();
    expectTypeOf<FailureAlert>().toEqualTypeOf<FailureMessage>();
    expectTypeOf<SuspensionAlert>().toEqualTypeOf<EventStreamWebhookSuspendedData>();
    // @ts-expect-error a webhook as read from the API always says whether it is suspended
    const partial: Webhook = { name: "w", enabled: true, events: [], integrationName: "i", retryStrategy: "none" };
    void partial;
  });
});

describe("hovers", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const file = `${root}test/types/hover-probe.ts`;
  const names = ["Webhook", "WebhookList", "DivertedEvent", "DivertedEventsPage", "WebhookDelivery", "FailureAlert", "SuspensionAlert"];
  // Each `declare const` holds one friendly type; the last lines reach the items of the lists.
  const probe = [
    // From the module that declares them (src/index.ts re-exports it), so that the language
    // service loads types.ts and the generated schema only, not the whole runtime.
    `import type { ${names.join(", ")} } from "../../src/types.js";`,
    ...names.map((name) => `declare const a${name}: ${name};`),
    "export const firstWebhook = aWebhookList.webhooks[0];",
    "export const firstDivertedEvent = aDivertedEventsPage.events[0];",
  ].join("\n");
  const service = ts.createLanguageService({
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => {
      if (name === file) return ts.ScriptSnapshot.fromString(probe);
      return ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(readFileSync(name, "utf8")) : undefined;
    },
    getCurrentDirectory: () => root,
    getCompilationSettings: () => ({
      strict: true,
      noUncheckedIndexedAccess: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2023.d.ts"],
      types: [],
      skipLibCheck: true,
      noEmit: true,
    }),
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
  const hover = (text: string) => {
    const at = probe.indexOf(text);
    if (at < 0) throw new Error(`the probe has no ${text}`);
    const info = service.getQuickInfoAtPosition(file, at + text.length - 1);
    return ts.displayPartsToString(info?.displayParts);
  };

  // The first question builds the program: allow for a busy machine.
  it("the probe type-checks", { timeout: 60_000 }, () => {
    expect(service.getSemanticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  });

  it.each(names)("a %s shows its name", (name) => {
    expect(hover(`a${name}`)).toBe(`const a${name}: ${name}`);
  });

  it("an item of a list shows its name", () => {
    expect(hover("firstWebhook")).toBe("const firstWebhook: Webhook | undefined");
    expect(hover("firstDivertedEvent")).toBe("const firstDivertedEvent: DivertedEvent | undefined");
  });
});
