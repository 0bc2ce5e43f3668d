// One tsc run, in parallel with the other test files, over src/, test/, examples/ and the spec's TypeScript
// code samples (x-codeSamples, as the docs show them), with this package standing in for
// "socotra-webhooks-contract". The @ts-expect-error lines of the type-level tests only bite here.
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

type Json = Record<string, any>;
const root = fileURLToPath(new URL("../..", import.meta.url));
const work = `${root}test-results/typecheck/`;

async function writeCodeSamples(): Promise<number> {
  const spec: Json = JSON.parse(await readFile(`${root}generated/openapi.json`, "utf8"));
  const samples = [...Object.values(spec.paths as Json), ...Object.values(spec.webhooks as Json)].flatMap((item) =>
    ["get", "put", "post", "delete", "patch"]
      .filter((method) => item[method])
      .flatMap((method) =>
        ((item[method]["x-codeSamples"] ?? []) as { lang: string; source: string }[])
          .filter((sample) => sample.lang === "TypeScript")
          .map((sample) => ({ id: item[method].operationId as string, source: sample.source })),
      ),
  );
  await mkdir(`${work}code-samples`, { recursive: true });
  await Promise.all(samples.map((sample) => writeFile(`${work}code-samples/${sample.id}.ts`, sample.source)));
  return samples.length;
}

it("type-checks src/, test/ and every TypeScript code sample of the spec with no error", async () => {
  await rm(work, { recursive: true, force: true });
  const samples = await writeCodeSamples();
  expect(samples).toBeGreaterThan(0);
  await writeFile(
    `${work}tsconfig.json`,
    JSON.stringify({
      extends: "../../tsconfig.json",
      compilerOptions: {
        paths: {
          "socotra-webhooks-contract": ["../../src/index.ts"],
          "socotra-webhooks-contract/simulator": ["../../src/simulator/index.ts"],
          "socotra-webhooks-contract/testing": ["../../src/testing.ts"],
        },
      },
      include: ["../../src", "../../test", "../../examples/*.ts", "../../generated/*.d.ts", "code-samples/*.ts"],
    }),
  );
  const result = await promisify(execFile)(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", `${work}tsconfig.json`], { cwd: root }).catch((error) => error);
  expect(result.stdout).toBe("");
  expect(result.code ?? 0).toBe(0);
}, 240_000);
