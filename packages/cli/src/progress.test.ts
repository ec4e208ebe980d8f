import { afterEach, describe, expect, it, vi } from "vitest";
import { createProgress } from "./progress.js";

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    stream: { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("createProgress", () => {
  it.each([
    ["not a TTY", false, {}],
    ["a TTY with NO_COLOR set (even empty)", true, { NO_COLOR: "" }],
  ])("draws nothing on %s", (_name, isTTY, env) => {
    const { writes, stream: out } = stream(isTTY);
    const progress = createProgress(out, env);
    progress.start("reading", 3);
    progress.tick();
    progress.done();
    expect(writes).toEqual([]);
  });

  it("on a TTY: draws at start, at most every 100 ms, always at the end, and clears the line", () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") });
    const { writes, stream: out } = stream(true);
    const progress = createProgress(out, {});
    progress.start("reading", 4);
    progress.tick();
    vi.advanceTimersByTime(100);
    progress.tick();
    progress.tick();
    progress.tick();
    progress.done();
    expect(writes).toEqual([
      `\rreading    [${".".repeat(30)}] 0/4`,
      `\rreading    [${"#".repeat(15)}${".".repeat(15)}] 2/4`,
      `\rreading    [${"#".repeat(30)}] 4/4`,
      "\r\x1b[2K",
    ]);
  });

  it("an empty batch shows a full bar", () => {
    const { writes, stream: out } = stream(true);
    const progress = createProgress(out, {});
    progress.start("uploading", 0);
    expect(writes).toEqual([`\ruploading  [${"#".repeat(30)}] 0/0`]);
  });

  it("clears the bar for a log line and draws it again, as it was, after it", () => {
    const { writes, stream: out } = stream(true);
    const progress = createProgress(out, {});
    progress.start("reading", 2);
    progress.tick();
    progress.around(() => out.write("a log line\n"));
    progress.done();
    progress.around(() => out.write("after the bar\n"));
    expect(writes).toEqual([
      `\rreading    [${".".repeat(30)}] 0/2`,
      "\r\x1b[2K",
      "a log line\n",
      `\rreading    [${"#".repeat(15)}${".".repeat(15)}] 1/2`,
      "\r\x1b[2K",
      "after the bar\n",
    ]);
  });

  it("off a TTY, a log line is written as it is", () => {
    const { writes, stream: out } = stream(false);
    createProgress(out, {}).around(() => out.write("line\n"));
    expect(writes).toEqual(["line\n"]);
  });
});
