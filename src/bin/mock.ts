#!/usr/bin/env node
// socotra-webhooks-mock: deprecated alias of `socotra-webhooks mock`, kept for one release.
import { runAlias } from "./tools.js";

await runAlias("mock");
