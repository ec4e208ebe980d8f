/** A PKCS#12 whose MAC claims `iterations`. */
export function withMacIterations(pfx: Buffer, iterations: number | bigint): Buffer;
/** Writes a 10 MB PEM of BEGIN lines and `pfxCount` PKCS#12 files at the iteration cap into `dir`; their paths. */
export function writeCostlyFiles(dir: string, pfxCount: number): string[];
