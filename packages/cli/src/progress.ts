import type { Progress } from "@intune-codesign/sync";

const WIDTH = 30;
const REDRAW_MS = 100;

/** Creates a bar when stderr is a TTY and NO_COLOR is unset; otherwise one that draws nothing. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, env = process.env): Progress {
  if (!stream.isTTY || env.NO_COLOR !== undefined) return { start() {}, tick() {}, done() {} };
  let label = "";
  let total = 0;
  let current = 0;
  let drawnAt = 0;
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - drawnAt < REDRAW_MS) return;
    drawnAt = now;
    const filled = total === 0 ? WIDTH : Math.round((current / total) * WIDTH);
    stream.write(
      `\r${label.padEnd(10)} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${current}/${total}`,
    );
  };
  return {
    start(newLabel, newTotal) {
      label = newLabel;
      total = newTotal;
      current = 0;
      draw(true);
    },
    tick(count = 1) {
      current += count;
      draw(current === total);
    },
    done() {
      if (total > 0 || label) stream.write("\r\x1b[2K");
      label = "";
      total = 0;
    },
  };
}
