import { readSecretFile } from "./secrets.js";
import type { TokenProvider } from "./token-provider.js";

/** A static bearer token from a file (break-glass use, tests); re-read on a forced refresh so it can be rotated. */
export class FileTokenProvider implements TokenProvider {
  private token: string | undefined;

  constructor(private readonly path: string) {}

  /** The file's first line. */
  async getToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    if (this.token === undefined || options.forceRefresh) this.token = readSecretFile(this.path);
    return this.token;
  }
}
