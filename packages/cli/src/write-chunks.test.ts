import { Writable } from "node:stream";
import { waitFor } from "@intune-codesign/testkit/wait-for";
import { describe, expect, it } from "vitest";
import { writeChunks } from "./write-chunks.js";

/** A stream that takes 10 bytes at a time and answers each write a tick later (a slow pipe reader). */
function slowSink() {
  const received: string[] = [];
  let mostQueued = 0;
  const stream = new Writable({
    highWaterMark: 10,
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      mostQueued = Math.max(mostQueued, stream.writableLength);
      received.push(chunk);
      setImmediate(done);
    },
  });
  return { stream, received, mostQueued: () => mostQueued };
}

describe("writeChunks", () => {
  it("writes every chunk in order and waits for the reader instead of queueing the rest", async () => {
    const sink = slowSink();
    const chunks = Array.from({ length: 200 }, (_, i) => `chunk ${String(i).padStart(3, "0")}\n`);
    await writeChunks(sink.stream, chunks);
    expect(sink.received).toEqual(chunks);
    // One 10-byte chunk at a time: without waiting, all 200 (2,000 bytes) would sit in the stream's queue.
    expect(sink.mostQueued()).toBe(10);
  });

  it("ends quietly when the stream is destroyed midway (a reader that went away)", async () => {
    const sink = slowSink();
    const written = writeChunks(
      sink.stream,
      (function* () {
        for (let i = 0; ; i++) yield `chunk ${i}\n`;
      })(),
    );
    await waitFor(() => sink.received.length > 0);
    sink.stream.destroy();
    await written;
    expect(sink.received.length).toBeGreaterThan(0);
  });
});
