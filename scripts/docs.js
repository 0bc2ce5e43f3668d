// Renders the bundled spec to one self-contained HTML page (Redoc through the Redocly CLI, with
// its script inlined: no CDN, no telemetry), adding a catalog of the event types grouped by
// entity, generated from the WebhookEventType enum so that it cannot drift.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { GENERATED, ROOT, generatedNotice, isMain, writeOutput } from "./lib.js";
import { bundleSpec } from "./bundle.js";

const CLI = join(ROOT, "node_modules", "@redocly", "cli", "bin", "cli.js");
// Redoc loads its attribution logo from a CDN, which an offline page cannot reach (and should not
// call): the same attribution, as a small inline SVG.
const CDN_LOGO = /https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g;
const INLINE_LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="56" height="14"><text x="0" y="11" font-family="sans-serif" font-size="11" fill="#555">Redocly</text></svg>',
)}`;

/** Markdown: one row per entity (`policy`, `claim`...), in the order the enum first names it. */
export function eventCatalog(eventTypes) {
  const rows = [...groupByEntity(eventTypes)].map(([entity, types]) => `| \`${entity}\` | ${types.map((t) => `\`${t}\``).join(", ")} |`);
  return [
    "## Event types",
    `The ${eventTypes.length} event types a webhook can subscribe to (\`events\`), grouped by the entity`,
    "they concern. A delivery names its event type in `type`; the platform may add types, so a",
    "receiver should accept types it does not know.",
    "",
    "| Entity | Event types |",
    "| --- | --- |",
    ...rows,
  ].join("\n");
}

function groupByEntity(eventTypes) {
  const groups = new Map();
  for (const eventType of eventTypes) {
    const entity = eventType.split(".")[0];
    groups.set(entity, [...(groups.get(entity) ?? []), eventType]);
  }
  return groups;
}

export async function writeDocs(spec, outDir = GENERATED) {
  const withCatalog = structuredClone(spec);
  withCatalog.info.description = `${spec.info.description.trimEnd()}\n\n${eventCatalog(spec.components.schemas.WebhookEventType.enum)}\n`;
  const work = await mkdtemp(join(tmpdir(), "docs-"));
  try {
    const input = join(work, "openapi.json");
    const output = join(work, "index.html");
    await writeFile(input, JSON.stringify(withCatalog));
    await promisify(execFile)(
      process.execPath,
      [CLI, "build-docs", input, "--inlineBundle", "--output", output, "--openapi.disableTelemetry=true", "--title", spec.info.title],
      { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } },
    );
    const html = (await readFile(output, "utf8")).replace(CDN_LOGO, INLINE_LOGO);
    if (html.includes("cdn.redoc.ly")) throw new Error("docs: the page still loads something from cdn.redoc.ly; it must work offline");
    // The notice goes after the doctype, which must stay first.
    const [doctype, ...rest] = html.split("\n");
    await writeOutput(outDir, "docs/index.html", [doctype, generatedNotice("docs", "<!--").trimEnd(), ...rest].join("\n"));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await writeDocs(await bundleSpec());
