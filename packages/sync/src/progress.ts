/** Where a run reports how far it got; the caller decides whether and how to draw it. */
export interface Progress {
  start(label: string, total: number): void;
  tick(count?: number): void;
  done(): void;
}
