#!/usr/bin/env node
// A batch of 100,000 files must stay well under 300 MB: grow the heap in smaller steps than V8's default (which
// lets garbage pile up to twice the live data) and keep the young generation small. Set before anything loads.
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--heap-growing-percent=25");
setFlagsFromString("--max-semi-space-size=2");
await import("../dist/main.js");
