import { prestartParserPool } from "./prestart.js";

// The entry the launcher loads. It imports nothing heavy, so that `inspect`'s parser threads start at once and boot
// while the rest of the CLI loads (cli.ts), instead of after.
prestartParserPool(process.argv.slice(2));
await import("./cli.js");
