import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "@intune-codesign/graph-emulator";
import { type CliResult, runCli, startCli } from "./cli.js";

export const TOKEN = "e2e-static-token-0f3c9a";

/** Faults that every end-to-end run meets unless a test says otherwise: seeded, with short Retry-After values. */
export const DEFAULT_FAULTS: EmulatorOptions["faults"] = {
  rate: 0.25,
  seed: 11,
  kinds: ["429", "503-retry-after", "reset-before-response", "reset-after-create"],
  retryAfterSeconds: 0.05,
};

/** A temp folder of certificates, a state store beside it and an emulator to upload to. */
export class Scenario {
  readonly root = mkdtempSync(join(tmpdir(), "intune-codesign-e2e-"));
  readonly certs = join(this.root, "certs");
  readonly state = join(this.root, "state", "state.db");
  readonly tokenFile = join(this.root, "token");

  private constructor(readonly emulator: RunningEmulator) {
    mkdirSync(this.certs);
    writeFileSync(this.tokenFile, `${TOKEN}\r\n`);
  }

  static async start(options: EmulatorOptions = {}): Promise<Scenario> {
    const emulator = await startEmulator({ staticTokens: [TOKEN], faults: DEFAULT_FAULTS, ...options });
    return new Scenario(emulator);
  }

  /** Writes a file under the certificates folder (creating sub-folders). */
  write(relative: string, content: string | Uint8Array): string {
    const path = join(this.certs, relative);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, content);
    return path;
  }

  /** The flags every upload in a test needs; `extra` come first so tests can add folders and options. */
  uploadArgs(extra: string[] = []): string[] {
    return [
      "upload",
      "--graph-url",
      this.emulator.url,
      "--access-token-file",
      this.tokenFile,
      "--state",
      this.state,
      "--json",
      ...extra,
      this.certs,
    ];
  }

  upload(extra: string[] = [], env: Record<string, string> = {}): Promise<CliResult & { report: Report }> {
    return runCli(this.uploadArgs(extra), env).then((result) => ({ ...result, report: parseReport(result) }));
  }

  startUpload(extra: string[] = [], env: Record<string, string> = {}) {
    return startCli(this.uploadArgs(extra), env);
  }

  /** Graph writes (POST/PATCH/DELETE) the emulator answered with success. */
  acceptedWrites(): number {
    return this.emulator.requests().filter((r) => r.method !== "GET" && r.status >= 200 && r.status < 300)
      .length;
  }

  /** Every write request that reached the emulator, whatever its answer. */
  writeRequests(): number {
    return this.emulator.requests().filter((r) => r.method !== "GET").length;
  }

  async close(): Promise<void> {
    await this.emulator.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface ReportItem {
  path: string;
  sha256: string | null;
  id: string | null;
  action: string;
  subject: string | null;
  reason: string | null;
  changes: Array<{ field: string; from: string | null; to: string | null }> | null;
  attempts: number;
  error: { code: string; message: string } | null;
  signature: {
    index: number;
    nestedIn: number | null;
    role: string;
    digestAlgorithm: string;
    sha1Digest: boolean;
    publisherMatch: boolean | null;
  } | null;
  warning: string | null;
}

export interface Report {
  dryRun: boolean;
  summary: Record<
    | "files"
    | "certificates"
    | "created"
    | "updated"
    | "unchanged"
    | "skipped"
    | "failed"
    | "superseded"
    | "deleted",
    number
  >;
  items: ReportItem[];
}

function parseReport(result: CliResult): Report {
  try {
    return JSON.parse(result.stdout) as Report;
  } catch {
    return { dryRun: false, summary: {} as Report["summary"], items: [] };
  }
}
