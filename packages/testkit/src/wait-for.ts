import { vi } from "vitest";

/** How long a test waits for a condition by default: generous, since the machine may be loaded. */
const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * Polls `condition` every `intervalMs` until it returns a truthy value (returned), failing the test after
 * `timeoutMs`: tests wait for what they need, never for a fixed time.
 */
export function waitFor<T>(
  condition: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  return vi.waitUntil(condition, {
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    interval: options.intervalMs ?? 10,
  });
}
