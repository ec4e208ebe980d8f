import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { stopSignals, watchSignals } from "./interruption.js";

const SILENT = pino({ level: "silent" });

describe("stop signals", () => {
  it("are SIGINT and SIGTERM, and on Windows also SIGBREAK (Ctrl+Break), as SIGTERM never arrives there", () => {
    expect(stopSignals("linux")).toEqual(["SIGINT", "SIGTERM"]);
    expect(stopSignals("darwin")).toEqual(["SIGINT", "SIGTERM"]);
    expect(stopSignals("win32")).toEqual(["SIGINT", "SIGTERM", "SIGBREAK"]);
  });

  it("on Windows, SIGBREAK stops the run and a second one aborts requests in flight; dispose stops listening", () => {
    const before = process.listenerCount("SIGBREAK");
    const interruption = watchSignals(SILENT, "win32");
    try {
      expect(process.listenerCount("SIGBREAK")).toBe(before + 1);
      process.emit("SIGBREAK", "SIGBREAK");
      expect([interruption.stopping.aborted, interruption.aborting.aborted]).toEqual([true, false]);
      process.emit("SIGBREAK", "SIGBREAK");
      expect(interruption.aborting.aborted).toBe(true);
    } finally {
      interruption.dispose();
    }
    expect(process.listenerCount("SIGBREAK")).toBe(before);
  });

  it("elsewhere, no SIGBREAK listener is added", () => {
    const before = process.listenerCount("SIGBREAK");
    const interruption = watchSignals(SILENT, "linux");
    expect(process.listenerCount("SIGBREAK")).toBe(before);
    interruption.dispose();
  });
});
