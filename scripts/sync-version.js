// After `changeset version` bumps package.json: copy the version into the spec's info.version, so
// that the package, the spec and the changelog agree (a test checks that they do).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT, SPEC_ENTRY, isMain } from "./lib.js";

export async function syncVersion() {
  const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
  const spec = await readFile(SPEC_ENTRY, "utf8");
  const synced = spec.replace(/^(info:\n(?:[ ].*\n)*?  version: ).*$/m, `$1${version}`);
  if (!synced.includes(`  version: ${version}`)) throw new Error("sync-version: found no info.version in openapi/openapi.yaml");
  await writeFile(SPEC_ENTRY, synced);
  return version;
}

if (isMain(import.meta.url)) console.log(`info.version = ${await syncVersion()}`);
