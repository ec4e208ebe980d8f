import type { Logger } from "pino";

/**
 * Logs the end of a phase: what it did, how long it took and the process's peak memory so far, so that an operator
 * sees where a large run spends its time and memory.
 */
export function phaseDone(
  logger: Logger,
  startedAt: number,
  message: string,
  counts: Record<string, number>,
): void {
  const seconds = Math.round(performance.now() - startedAt) / 1000;
  logger.info({ ...counts, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }, message);
}
