#!/usr/bin/env node
// socotra-webhooks-verify: deprecated alias of `socotra-webhooks verify`, kept for one release.
import { runAlias } from "./tools.js";

await runAlias("verify");
