import type { Writable } from "node:stream";

/**
 * Writes chunks to a stream, waiting for it to drain whenever it asks to: behind a pipe whose reader is slower than
 * the run, Node would otherwise queue the rest of the output in memory (20 MB for a report of 100,000 items). Ends
 * quietly when the stream closes or fails (a reader that went away, as `| head` does).
 */
export async function writeChunks(stream: Writable, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (stream.destroyed) return;
    if (stream.write(chunk)) continue;
    await new Promise<void>((resolve) => {
      const settle = () => {
        stream.off("drain", settle);
        stream.off("close", settle);
        stream.off("error", settle);
        resolve();
      };
      stream.on("drain", settle);
      stream.on("close", settle);
      stream.on("error", settle);
    });
  }
}
