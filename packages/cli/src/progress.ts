import type { Progress } from "@intune-codesign/sync";

const WIDTH = 30;
const REDRAW_MS = 100;

/** A progress bar that shares its terminal line with log lines: `around` clears it for a line and redraws it after. */
export interface TerminalProgress extends Progress {
  /** Runs `write` (whole lines to the same terminal) with the bar erased, then draws the bar again below them. */
  around(write: () => void): void;
}

/** Creates a bar when stderr is a TTY and NO_COLOR is unset; otherwise one that draws nothing. */
export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  env = process.env,
): TerminalProgress {
  if (!stream.isTTY || env.NO_COLOR !== undefined) {
    return { start() {}, tick() {}, done() {}, around: (write) => write() };
  }
  let label = "";
  let total = 0;
  let current = 0;
  let drawnAt = 0;
  let shown = false;
  const render = () => {
    const filled = total === 0 ? WIDTH : Math.round((current / total) * WIDTH);
    stream.write(
      `\r${label.padEnd(10)} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${current}/${total}`,
    );
    shown = true;
  };
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - drawnAt < REDRAW_MS) return;
    drawnAt = now;
    render();
  };
  const clear = () => {
    if (shown) stream.write("\r\x1b[2K");
    shown = false;
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
      clear();
      label = "";
      total = 0;
    },
    around(write) {
      const redraw = shown;
      clear();
      write();
      if (redraw) render();
    },
  };
}
