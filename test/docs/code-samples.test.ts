// The x-codeSamples shown in the docs: every TypeScript sample type-checks against this package,
// and every curl sample, pointed at the Prism mock, is answered 200.
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";

type Json = Record<string, any>;
const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const spec: Json = JSON.parse(await readFile(`${root}generated/openapi.json`, "utf8"));
const SANDBOX = spec.servers[0].url as string;

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

  it("in TypeScript type-check against the package", async () => {
    const dir = `${root}test-results/code-samples/`;
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const typescript = samples.filter((sample) => sample.lang === "TypeScript");
    await Promise.all(typescript.map((sample) => writeFile(`${dir}${sample.id}.ts`, sample.source)));
    const tsconfig = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: "esnext",
        moduleResolution: "bundler",
        target: "ES2022",
        lib: ["ES2023", "DOM"],
        types: ["node"],
        skipLibCheck: true,
        paths: { "socotra-webhooks-contract": [`${root}src/index.ts`] },
        allowImportingTsExtensions: true,
      },
      include: ["*.ts"],
    };
    await writeFile(`${dir}tsconfig.json`, JSON.stringify(tsconfig));
    const result = await run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", `${dir}tsconfig.json`]).catch((error) => error);
    expect(result.stdout).toBe("");
  }, 60_000);

  it.each(samples.filter((sample) => sample.lang === "curl").map((sample) => [sample.id, sample] as const))(
    "in curl (%s) is answered 200 by the mock",
    async (_id, sample) => {
      expect(sample.source).toContain(SANDBOX);
      const script = `curl() { command curl -s -o /dev/null -w '%{http_code}' "$@"; }\n${sample.source.replaceAll(SANDBOX, inject("mockUrl"))}`;
      const { stdout } = await run("sh", ["-c", script], { env: { ...process.env, SOCOTRA_TOKEN: "sample-token" } });
      expect(stdout).toBe("200");
    },
  );
});
