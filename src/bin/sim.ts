#!/usr/bin/env node
// socotra-webhooks-sim: deprecated alias of `socotra-webhooks sim`, kept for one release.
import { runAlias } from "./tools.js";

await runAlias("sim");
