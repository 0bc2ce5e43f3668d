// The contract's text says only what is known. Each statement in a description or summary of the
// bundled spec is documented by the platform (its page listed under "Sources" in the guide) or
// marked as an assumption: an assumption runs from MARKER to the end of its Markdown paragraph.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Json = Record<string, any>;
const spec: Json = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));

const MARKER = "*Assumption (not documented):*";

/**
 * Words of certainty about behaviour the platform does not document, each with what it would
 * claim. Outside an assumption they would state an invention as a platform fact.
 */
const CERTAINTIES: [RegExp, string][] = [
  [/\balways\b|\bguarantee/i, "an unconditional platform behaviour"],
  [/\bthe platform retries\b|\bretried by the platform\b|\bretries before\b/i, "what retryStrategy does"],
  [/\bis dropped\b|\bdrops (?:it|the)\b/i, "what mode: none does with a failed event"],
  [/\b2xx\b[^.]*\backnowledges\b/i, "what a receiver must answer"],
  [/\bmore than once\b|\bat least once\b|\bexactly once\b/i, "whether a delivery can repeat"],
  [/\b(?:leaves|removed from) the diverted\b/i, "whether a resent event leaves the diverted list"],
];

/** Words that signal the contract's own reading: they belong inside an assumption. */
const HEDGES = /not documented|undocumented|\bassum|\binferr?e|\bsuggests?\b/i;

/** The text of a description that is not covered by an assumption marker. */
function unmarked(text: string): string {
  return text
    .split(/\n[ \t]*\n/)
    .map((paragraph) => {
      const at = paragraph.indexOf(MARKER);
      return at === -1 ? paragraph : paragraph.slice(0, at);
    })
    .join("\n\n");
}

/** What is wrong with one description: a certainty or a hedge outside an assumption. */
function problems(text: string): string[] {
  const free = unmarked(text);
  const found = CERTAINTIES.filter(([pattern]) => pattern.test(free)).map(([pattern, claim]) => `states ${claim} as fact (${pattern})`);
  const hedge = free.match(HEDGES);
  if (hedge) found.push(`"${hedge[0]}" outside an assumption: mark it with ${MARKER}`);
  return found;
}

/** Every description and summary of the spec, by JSON pointer; example values and code samples are not text. */
function texts(node: unknown, pointer = "#", found: [string, string][] = []): [string, string][] {
  if (node === null || typeof node !== "object") return found;
  for (const [key, child] of Object.entries(node as Json)) {
    if ((key === "description" || key === "summary") && typeof child === "string") found.push([`${pointer}/${key}`, child]);
    else if (!["value", "examples", "example", "x-codeSamples", "enum"].includes(key) || (key === "examples" && !Array.isArray(child)))
      texts(child, `${pointer}/${key}`, found);
  }
  return found;
}

const all = texts(spec);
const guide: string = spec.info.description;
const sources = guide.slice(guide.indexOf("## Sources")).split(/\n## /)[0]!;
const links = (text: string) => [...text.matchAll(/\]\((https?:\/\/[^)\s]+)\)/g)].map((match) => match[1]!);

describe("the checker", () => {
  it("flags a certainty or a hedge outside an assumption, and accepts both inside one", () => {
    expect(problems("The platform retries failed deliveries.")).toHaveLength(1);
    expect(problems("In `mode: none` the event is dropped.")).toHaveLength(1);
    expect(problems("Any 2xx status acknowledges the delivery.")).toHaveLength(1);
    expect(problems("Its default is not documented.")).toHaveLength(1);
    expect(problems(`A list. ${MARKER} the platform retries; any 2xx status acknowledges it.`)).toEqual([]);
  });

  it("ends an assumption at the end of its paragraph", () => {
    expect(problems(`${MARKER} the status.\n\nThe platform retries every delivery.`)).toHaveLength(1);
    expect(problems(`${MARKER} the status.\nThe platform retries every delivery.`)).toEqual([]);
  });
});

describe("descriptions and summaries of the bundled spec", () => {
  it("are found", () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter(([, text]) => text.includes(MARKER)).length).toBeGreaterThan(20);
  });

  it.each(all)("%s states no assumption as fact", (_pointer, text) => {
    expect(problems(text)).toEqual([]);
  });

  it.each(all.filter(([, text]) => text.includes("ssumption")))("%s spells the assumption marker one way", (_pointer, text) => {
    for (const used of text.match(/\*?Assum\w*[^:\n]*:\*?/g) ?? []) expect(used).toBe(MARKER);
  });
});

describe("the guide", () => {
  it("says how an assumption is marked, and lists its sources", () => {
    expect(guide).toContain(MARKER);
    expect(guide).toMatch(/^## Sources$/m);
    expect(links(sources).length).toBeGreaterThanOrEqual(5);
  });

  it("cites only the platform's own pages and code", () => {
    for (const url of links(sources)) expect(url).toMatch(/^https:\/\/(?:docs|ccdocs)\.socotra\.com\/|^https:\/\/github\.com\/socotra\//);
  });

  it.each(all.flatMap(([pointer, text]) => links(text).map((url) => [pointer, url] as const)))("%s links %s, a listed source", (_pointer, url) => {
    expect(links(sources)).toContain(url);
  });
});

describe("what the platform documents is carried where a reader needs it", () => {
  const delivery: string = spec.webhooks.eventDelivery.post.description;
  const eventStream = links(sources).find((url) => url.includes("event-stream"));
  const integrations = links(sources).find((url) => url.includes("integrations"));

  it("the advice to wait 5 seconds before fetching by locator, in the guide and the delivery", () => {
    expect(eventStream).toBeDefined();
    for (const text of [guide, delivery]) {
      expect(unmarked(text)).toMatch(/at least 5 seconds/);
      expect(links(text)).toContain(eventStream);
    }
  });

  it("when the signature header is sent, and the integration's https and certificate rules", () => {
    expect(links(delivery)).toContain(integrations);
    for (const fact of [/socotra-signature` header is sent only when/, /hmacEnabled/, /https:\/\//, /secureSSL: false/, /administrator/]) {
      expect(unmarked(delivery)).toMatch(fact);
    }
  });

  it("that a transactionId may name several diverted events, as documented, where the diverted operations take it", () => {
    const diverted = (path: string, method: string): string => spec.paths[path][method].description;
    for (const text of [
      spec.components.parameters.TransactionId.description,
      diverted("/webhooks/{name}/diverted/{transactionId}", "delete"),
      diverted("/webhooks/{name}/diverted/{transactionId}/resend", "post"),
    ]) {
      expect(unmarked(text)).toMatch(/several events/);
      expect(links(text)).toContain(eventStream);
    }
  });

  it("the guide's list of declared error statuses is true of every operation", () => {
    expect(guide).toMatch(/declares 401, 403 and 500 on every management operation, 400 on each that takes a\s+parameter or a body, and 404 where a name or transaction id is looked up/);
    for (const [path, item] of Object.entries(spec.paths as Json)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        if (method === "parameters") continue;
        const statuses = Object.keys(operation.responses).sort();
        const takesInput = path.includes("{") || operation.parameters?.length > 0 || operation.requestBody !== undefined;
        const expected = ["200", "401", "403", "500", ...(takesInput ? ["400"] : []), ...(path.includes("{") ? ["404"] : [])].sort();
        expect(statuses, `${method.toUpperCase()} ${path}`).toEqual(expected);
      }
    }
  });

  it("no inference from a field's name outside an assumption", () => {
    // The reference gives these fields' names and types only.
    expect(unmarked(spec.components.schemas.WebhookResponse.properties.suspendedTimestamp.description)).not.toMatch(/suspended/);
    expect(unmarked(spec.components.schemas.FailureMessage.properties.webhookName.description)).not.toMatch(/failed/);
    expect(unmarked(spec.components.schemas.EventStreamWebhookSuspendedData.properties.webhookName.description)).not.toMatch(/suspended/);
    expect(unmarked(spec.components.schemas.WebhookRequest.properties.displayName.description)).not.toMatch(/human-readable/);
    expect(unmarked(spec.components.schemas.WebhookResponse.properties.displayName.description)).not.toMatch(/human-readable/);
    // The reference types a delivery's `type` as a plain string, with no enum.
    expect(unmarked(spec.components.schemas.WebhookPayload.properties.type.description)).not.toMatch(/WebhookEventType/);
    // The reference names no result type for PUT /webhooks; the Sources do not either.
    expect(unmarked(spec.paths["/webhooks"].put.description)).not.toMatch(/shows a WebhookResponse/);
    expect(unmarked(spec.paths["/webhooks"].put.responses["200"].description)).not.toMatch(/as stored/);
  });
});

describe("examples", () => {
  /** Whether a value carries event data (`data` or `eventData` with fields), whose fields no page documents. */
  const carriesEventData = (value: unknown): boolean =>
    value !== null &&
    typeof value === "object" &&
    Object.entries(value as Json).some(
      ([key, child]) => (["data", "eventData"].includes(key) && Object.keys(child ?? {}).length > 0) || carriesEventData(child),
    );

  const exampleObjects: [string, Json][] = [];
  const visit = (node: unknown, pointer: string): void => {
    if (node === null || typeof node !== "object") return;
    for (const [key, child] of Object.entries(node as Json)) {
      if (key === "examples" && !Array.isArray(child) && child && typeof child === "object")
        for (const [name, example] of Object.entries(child as Json)) exampleObjects.push([`${pointer}/examples/${name}`, example]);
      else visit(child, `${pointer}/${key}`);
    }
  };
  visit(spec, "#");
  const withData = exampleObjects.filter(([, example]) => carriesEventData(example.value));
  const schemasWithData = Object.entries(spec.components.schemas as Json).filter(([, schema]) => (schema.examples ?? []).some(carriesEventData));

  it("with event data are found", () => {
    expect(withData.length).toBeGreaterThanOrEqual(4);
    expect(schemasWithData.length).toBeGreaterThanOrEqual(4);
  });

  it.each(withData)("%s says its event data is illustrative", (_pointer, example) => {
    expect(`${example.summary ?? ""} ${example.description ?? ""}`).toMatch(/illustrative/);
  });

  it.each(schemasWithData)("schema %s says its example's event data is illustrative", (_name, schema) => {
    expect(schema.description).toMatch(/illustrative/);
  });
});
