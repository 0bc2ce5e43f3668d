// The x-codeSamples shown in the docs: curl and TypeScript for every operation, and every curl
// sample, pointed at the Prism mock, is answered 200. (The TypeScript samples are type-checked
// with the rest of the project in test/types/typecheck.test.ts.)
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useMock } from "../support/mock.js";

type Json = Record<string, any>;
const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const spec: Json = JSON.parse(await readFile(`${root}generated/openapi.json`, "utf8"));
const SANDBOX = spec.servers[0].url as string;
const mock = await useMock();

const samples = [...Object.entries(spec.paths as Json), ...Object.entries(spec.webhooks as Json)].flatMap(([where, item]) =>
  ["get", "put", "post", "delete", "patch"]
    .filter((method) => item[method])
    .flatMap((method) => ((item[method]["x-codeSamples"] ?? []) as { lang: string; source: string }[]).map((sample) => ({ ...sample, id: item[method].operationId as string }))),
);
const operationIds = Object.values(spec.paths as Json).flatMap((item) => ["get", "put", "post", "delete", "patch"].filter((m) => item[m]).map((m) => item[m].operationId));

describe("code samples", () => {
  it("exist in curl and TypeScript for every operation", () => {
    for (const id of operationIds) {
      expect(samples.filter((sample) => sample.id === id).map((sample) => sample.lang).sort(), id).toEqual(["TypeScript", "curl"]);
    }
  });

  it.each(samples.filter((sample) => sample.lang === "curl").map((sample) => [sample.id, sample] as const))(
    "in curl (%s) is answered 200 by the mock",
    async (_id, sample) => {
      expect(sample.source).toContain(SANDBOX);
      const script = `curl() { command curl -s -o /dev/null -w '%{http_code}' "$@"; }\n${sample.source.replaceAll(SANDBOX, mock.url)}`;
      const { stdout } = await run("sh", ["-c", script], { env: { ...process.env, SOCOTRA_TOKEN: "sample-token" } });
      expect(stdout).toBe("200");
    },
  );
});
