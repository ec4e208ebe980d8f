/** Walking folders and parsing their files, without the state store or Graph: what reading alone needs. */
export { type EntryResult, parseEntries } from "./parse-entries.js";
export { type WalkEntry, type WalkOptions, walk } from "./walk.js";
