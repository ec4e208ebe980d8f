// Issue 7: every scheduling recipe under examples/ and every checkable claim of docs/ is tested against the
// built CLI: flags against its --help, metric names against what it writes, codes against its sources.
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeCa, makeLeaf } from "@intune-codesign/testkit/certificates";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { ExitCode } from "../packages/cli/src/exit-codes.js";
import { PARSE_ERROR_CODES, SKIP_REASONS } from "../packages/parser/src/index.js";
import { renderMetrics } from "../packages/sync/src/metrics.js";
import { CLI, runCli } from "./helpers/cli.js";
import { exampleBlock, NAME_EXAMPLES, renderNameExamples } from "./helpers/name-examples.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The long flags a command's --help lists (`--no-create` included as written). */
async function helpFlags(command: string): Promise<Set<string>> {
  const { code, stdout } = await runCli([command, "--help"]);
  expect(code).toBe(0);
  return new Set(stdout.match(/--[a-z][a-z-]*/g));
}

/** Asserts an `intune-codesign upload` argument list: known flags, values where a flag takes one, folders last. */
function expectUploadArguments(args: string[], flags: Set<string>, help: string): string[] {
  expect(args[0]).toBe("upload");
  const folders: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      folders.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      folders.push(arg);
      continue;
    }
    expect(flags, `${arg} is not an upload flag`).toContain(arg);
    // The help line says whether the flag takes a value (`--state <path>`).
    if (new RegExp(`${arg} <`).test(help)) {
      const value = args[++i];
      expect(value, `${arg} needs a value`).toBeDefined();
      expect(value!.startsWith("--"), `${arg} needs a value`).toBe(false);
    }
  }
  expect(folders.length, "the command names no folder").toBeGreaterThan(0);
  return folders;
}

/** A five-field cron schedule with each field in range (numbers, `*`, lists, ranges, steps). */
function expectCronSchedule(fields: string[]): void {
  const ranges: Array<[number, number]> = [
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 7],
  ];
  expect(fields).toHaveLength(5);
  fields.forEach((field, index) => {
    const [min, max] = ranges[index]!;
    for (const part of field.split(",")) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      expect(match, `cron field "${field}"`).not.toBeNull();
      for (const number of [match![2], match![3]].filter((n) => n !== undefined).map(Number)) {
        expect(number).toBeGreaterThanOrEqual(min);
        expect(number).toBeLessThanOrEqual(max);
      }
    }
  });
}

/** A systemd unit as sections of keys with all their values (continuation lines joined). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  const lines = text.replace(/\\\n\s*/g, " ").split("\n");
  for (const line of lines) {
    if (/^\s*([#;]|$)/.test(line)) continue;
    const section = /^\[(.+)\]$/.exec(line.trim());
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const entry = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    expect(entry, `not a key=value line: ${line}`).not.toBeNull();
    expect(current, `${line} is outside any section`).toBeDefined();
    current!.set(entry![1]!, [...(current!.get(entry![1]!) ?? []), entry![2]!.trim()]);
  }
  return sections;
}

let uploadHelp: string;
let uploadFlags: Set<string>;

beforeAll(async () => {
  uploadHelp = (await runCli(["upload", "--help"])).stdout;
  uploadFlags = await helpFlags("upload");
});

describe("examples/cron", () => {
  const text = read("examples/cron/intune-codesign.cron");
  const lines = text.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
  const environment = lines.filter((line) => /^[A-Z_]+=/.test(line));
  const jobs = lines.filter((line) => !/^[A-Z_]+=/.test(line));

  it("is one job: five time fields and an upload command whose flags exist, valid sh", () => {
    expect(jobs).toHaveLength(1);
    const fields = jobs[0]!.trim().split(/\s+/);
    expectCronSchedule(fields.slice(0, 5));
    const command = jobs[0]!.trim().replace(/^(\S+\s+){5}/, "");
    expect(command).not.toContain("%");
    expect(command).not.toMatch(/\bflock\b/);
    const invocation = command.split(/\s+[>|&]|\s+\d?>/)[0]!.split(/\s+/);
    expect(invocation[0]).toBe("intune-codesign");
    expectUploadArguments(invocation.slice(1), uploadFlags, uploadHelp);
    expect(spawnSync("sh", ["-n", "-c", command]).status).toBe(0);
  });

  it("reports a failed run's exit code through cron's mail", () => {
    const command = jobs[0]!.trim().replace(/^(\S+\s+){5}/, "");
    const bin = mkdtempSync(join(tmpdir(), "cron-bin-"));
    execFileSync("sh", ["-c", `printf '#!/bin/sh\\nexit 3\\n' > ${bin}/intune-codesign`]);
    chmodSync(join(bin, "intune-codesign"), 0o755);
    // Logs to a temporary file instead of /var/log, so the command runs here.
    const runnable = command.replace(/2>>\S+/, `2>>${bin}/log`);
    const result = spawnSync("sh", ["-c", runnable], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
      encoding: "utf8",
    });
    expect(result.stdout).toMatch(/exited 3\b/);
  });

  it("sets only variables the CLI reads", () => {
    for (const line of environment) {
      const name = line.split("=")[0]!;
      if (["SHELL", "PATH", "MAILTO"].includes(name)) continue;
      expect(uploadHelp, `${name} is not in upload --help`).toContain(name);
    }
  });
});

describe("examples/systemd", () => {
  const service = parseUnit(read("examples/systemd/intune-codesign.service"));
  const timer = parseUnit(read("examples/systemd/intune-codesign.timer"));

  it("the timer runs hourly, spread, and catches up after downtime", () => {
    const section = timer.get("Timer")!;
    expect(section.get("OnCalendar")).toEqual(["hourly"]);
    expect(section.get("Persistent")).toEqual(["true"]);
    expect(section.get("RandomizedDelaySec")?.[0]).toMatch(/^\d+(min|s|h)?$/);
    expect(timer.get("Install")!.get("WantedBy")).toEqual(["timers.target"]);
  });

  it("the service is a hardened oneshot with its state directory and a credential", () => {
    const section = service.get("Service")!;
    const one = (key: string) => section.get(key)?.[0];
    expect(one("Type")).toBe("oneshot");
    expect(one("StateDirectory")).toBe("intune-codesign");
    expect(one("NoNewPrivileges")).toBe("yes");
    expect(one("ProtectSystem")).toBe("strict");
    expect(section.has("MemoryDenyWriteExecute"), "Node's JIT needs W+X memory").toBe(false);
    const [credential, source] = one("LoadCredential")!.split(":");
    expect(source).toMatch(/^\//);
    const args = one("ExecStart")!.split(/\s+/);
    // A bare name: systemd finds it in /usr/local/bin or /usr/bin, wherever `npm install -g` put it.
    expect(args[0]).toBe("intune-codesign");
    expectUploadArguments(args.slice(1), uploadFlags, uploadHelp);
    expect(args[args.indexOf("--client-secret-file") + 1]).toBe(`%d/${credential}`);
    expect(args[args.indexOf("--state") + 1]).toBe(`%S/${one("StateDirectory")}/state.db`);
    expect(service.get("Unit")!.get("OnFailure")).toEqual(["intune-codesign-alert@%n.service"]);
  });

  it("systemd-analyze verify accepts the units", (context) => {
    if (spawnSync("systemd-analyze", ["--version"]).error) context.skip();
    const dir = mkdtempSync(join(tmpdir(), "units-"));
    for (const name of readdirSync(join(ROOT, "examples/systemd"))) {
      copyFileSync(join(ROOT, "examples/systemd", name), join(dir, name));
    }
    // verify insists that ExecStart's binary exists: point it at the built CLI.
    const unit = join(dir, "intune-codesign.service");
    const text = readFileSync(unit, "utf8").replace("ExecStart=intune-codesign ", `ExecStart=${CLI} `);
    execFileSync("sh", ["-c", 'cat > "$0"', unit], { input: text });
    const units = ["intune-codesign.service", "intune-codesign.timer", "intune-codesign-alert@x.service"];
    const result = spawnSync("systemd-analyze", ["verify", "--man=no", ...units], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("examples/kubernetes", () => {
  const documents = parseAllDocuments(read("examples/kubernetes/cronjob.yaml")).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS();
  });
  const find = (kind: string) => documents.find((d) => d.kind === kind);
  const cronJob = find("CronJob");
  const pod = cronJob?.spec.jobTemplate.spec.template;
  const container = pod?.spec.containers[0];

  it("is a CronJob that never overlaps and runs every hour", () => {
    expect(cronJob.apiVersion).toBe("batch/v1");
    expect(cronJob.spec.concurrencyPolicy).toBe("Forbid");
    expectCronSchedule(cronJob.spec.schedule.split(" "));
    expect(pod.spec.restartPolicy).toBe("Never");
  });

  it("uses workload identity: the pod label and an annotated service account", () => {
    expect(pod.metadata.labels["azure.workload.identity/use"]).toBe("true");
    const account = find("ServiceAccount");
    expect(pod.spec.serviceAccountName).toBe(account.metadata.name);
    expect(account.metadata.annotations["azure.workload.identity/client-id"]).toMatch(/^[0-9a-f-]{36}$/);
    // No secret: the webhook injects AZURE_FEDERATED_TOKEN_FILE, which the CLI reads.
    expect(JSON.stringify(container.env ?? [])).not.toMatch(/SECRET|secretKeyRef/);
    expect(uploadHelp).toContain("AZURE_FEDERATED_TOKEN_FILE");
  });

  it("keeps the state store on a persistent volume claim, mounted where --state points", () => {
    const claim = find("PersistentVolumeClaim");
    const volume = pod.spec.volumes.find(
      (v: { persistentVolumeClaim?: { claimName: string } }) =>
        v.persistentVolumeClaim?.claimName === claim.metadata.name,
    );
    expect(volume).toBeDefined();
    const mount = container.volumeMounts.find((m: { name: string }) => m.name === volume.name);
    const state = container.args[container.args.indexOf("--state") + 1];
    expect(dirname(state)).toBe(mount.mountPath);
  });

  it("runs upload with flags that exist, on the mounted certificate folder", () => {
    const folders = expectUploadArguments(container.args, uploadFlags, uploadHelp);
    const mounts = container.volumeMounts.map((m: { mountPath: string }) => m.mountPath);
    for (const folder of folders) expect(mounts).toContain(folder);
  });

  it("its --exclude reads a ConfigMap volume's files once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "configmap-"));
    const data = "..2026_11_29_00_00_00.123456789";
    mkdirSync(join(dir, data));
    const ca = await makeCa();
    const leaf = await makeLeaf(ca, { subject: "CN=ConfigMap Signer" });
    execFileSync("sh", ["-c", 'cat > "$0"', join(dir, data, "signer.cer")], { input: leaf.der });
    symlinkSync(data, join(dir, "..data"));
    symlinkSync("..data/signer.cer", join(dir, "signer.cer"));
    const args: string[] = container.args;
    const exclude = args.slice(args.indexOf("--exclude"), args.indexOf("--"));
    const { code, stdout } = await runCli(["inspect", "--json", ...exclude, "--", dir]);
    expect(code).toBe(0);
    const files = JSON.parse(stdout).files as Array<{ path: string; certificates: unknown[] }>;
    expect(files.map((f) => f.path)).toEqual([join(dir, "signer.cer")]);
  });
});

describe("examples/windows", () => {
  const script = read("examples/windows/register-task.ps1");
  // The upload arguments are one PowerShell array element per line: a quoted literal, or an expression.
  const elements = /\$uploadArguments = @\(\n([\s\S]*?)\n\)/
    .exec(script)![1]!
    .split("\n")
    .map((line) => line.trim());
  const args = elements.map((element) => /^'([^']*)'$/.exec(element)?.[1] ?? `<${element}>`);

  it("registers an upload whose flags exist, with the secret from the file it restricts", () => {
    const folders = expectUploadArguments(args, uploadFlags, uploadHelp);
    expect(folders).toEqual(["<$CertificateFolder>"]);
    expect(args[args.indexOf("--client-secret-file") + 1]).toBe("<$secretFile>");
    // Inheritance removed, read access for the service account alone.
    expect(script).toMatch(
      /icacls\.exe \$secretFile \/inheritance:r \/grant:r "\$\{ServiceAccount\}:R" \| Out-Null\n/,
    );
    expect(args[args.indexOf("--state") + 1]).toBe('<"$StateFolder\\state.db">');
  });

  it("runs the installed launcher under node.exe, one run at a time", () => {
    expect(script).toContain("'node_modules\\intune-codesign\\bin\\intune-codesign.js'");
    expect(script).toContain("-MultipleInstances IgnoreNew");
    expect(script).toContain('npm install -g --prefix "C:\\Program Files\\intune-codesign"');
  });
});

describe("Dockerfile", () => {
  const version = (JSON.parse(read("packages/cli/package.json")) as { version: string }).version;
  // Continuation lines joined, comments dropped: one instruction per entry.
  const instructions = read("Dockerfile")
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const [keyword, ...rest] = line.trim().split(/\s+/);
      return { keyword: keyword!, args: rest.join(" ") };
    });
  const all = (keyword: string) => instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
  const cronJob = parseAllDocuments(read("examples/kubernetes/cronjob.yaml"))
    .map((d) => d.toJS())
    .find((d) => d.kind === "CronJob");
  const pod = cronJob.spec.jobTemplate.spec.template.spec;

  it("builds on a slim official Node.js image pinned to a release the package supports", () => {
    // Two stages on the same image: npm installs with a compiler, the runtime gets the installed package only.
    const runtime = all("FROM")[1];
    expect(all("FROM")).toEqual([`${runtime} AS install`, runtime]);
    const match = /^node:(\d+)\.(\d+)\.(\d+)-[a-z]+-slim$/.exec(runtime ?? "");
    expect(match, `FROM ${runtime}`).not.toBeNull();
    const [major, minor] = [Number(match![1]), Number(match![2])];
    expect(major === 20 ? minor >= 19 : major === 22 ? minor >= 12 : false).toBe(true);
  });

  it("installs the tarball of the package's version with npm install -g, and does nothing else to install", () => {
    expect(all("ARG")).toEqual([`VERSION=${version}`]);
    const installs = all("RUN").filter((run) => run.includes("npm "));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/--mount=type=bind,source=dist,target=\/tmp\/dist /);
    expect(installs[0]).toMatch(
      /\snpm install -g (--[a-z-]+ )*\/tmp\/dist\/intune-codesign-\$\{VERSION\}\.tgz$/,
    );
    const installed = "/usr/local/lib/node_modules/intune-codesign";
    expect(all("COPY")).toEqual([`--from=install ${installed} ${installed}`]);
    expect(read(".dockerignore")).toContain("!dist/intune-codesign-*.tgz");
  });

  it("runs intune-codesign as the non-root user the CronJob names, with the state on a volume", () => {
    expect(all("ENTRYPOINT")).toEqual(['["intune-codesign"]']);
    expect(all("USER")).toEqual([`${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`]);
    expect(pod.securityContext.runAsUser).not.toBe(0);
    const [volume] = JSON.parse(all("VOLUME")[0]!) as string[];
    expect(all("ENV")).toEqual([`INTUNE_CODESIGN_STATE=${volume}/state.db`]);
    const args: string[] = pod.containers[0].args;
    expect(dirname(args[args.indexOf("--state") + 1]!)).toBe(volume);
  });

  it("the CronJob's image, the README's build command and the CHANGELOG name the same version", () => {
    const image: string = pod.containers[0].image;
    expect(image).toMatch(new RegExp(`/intune-codesign:${version.replaceAll(".", "\\.")}$`));
    expect(read("README.md")).toContain(`docker build -t ${image} .`);
    expect(read("Dockerfile")).toContain(`docker build -t ${image} .`);
    expect(read("CHANGELOG.md")).toMatch(
      new RegExp(`^## ${version.replaceAll(".", "\\.")} - \\d{4}-\\d{2}-\\d{2}$`, "m"),
    );
  });
});

describe("examples/prometheus", () => {
  const rules = parseYaml(read("examples/prometheus/alerts.yaml")) as {
    groups: Array<{
      name: string;
      rules: Array<{ alert: string; expr: string; labels: { severity: string } }>;
    }>;
  };
  const all = rules.groups.flatMap((g) => g.rules);
  const written = renderMetrics({
    finishedAt: new Date(),
    durationSeconds: 1,
    exitCode: 0,
    counts: {
      files: 1,
      certificates: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failed: 0,
      superseded: 0,
      deleted: 0,
    },
    expiries: [{ sha256: "ab", subject: "CN=x", id: "i", notAfter: "2030-01-01T00:00:00Z" }],
  });
  const metricNames = new Set([...written.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));

  it("every rule has a name, an expression and a severity", () => {
    expect(all.length).toBeGreaterThan(0);
    for (const rule of all) {
      expect(rule.alert).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(rule.expr).toBeTruthy();
      expect(["warning", "critical"]).toContain(rule.labels.severity);
    }
  });

  it("names only metrics the CLI writes (or kube-state-metrics')", () => {
    for (const rule of all) {
      // Label matchers ({namespace="…"}) name labels, not metrics: leave them out.
      for (const name of rule.expr.replace(/\{[^}]*\}/g, "").match(/\b[a-z_]+_[a-z_]+\b/g) ?? []) {
        if (name.startsWith("kube_")) expect(["kube_job_status_failed"]).toContain(name);
        else expect(metricNames, `${rule.alert}: ${name}`).toContain(name);
      }
    }
  });

  it("alerts on the exit code, on a stale run and on expiry", () => {
    const exprs = all.map((r) => r.expr).join("\n");
    expect(exprs).toMatch(/intune_codesign_last_run_exit_code == 3/);
    expect(exprs).toMatch(/intune_codesign_last_run_exit_code != 0/);
    expect(exprs).toMatch(/time\(\) - intune_codesign_last_run_timestamp_seconds/);
    expect(exprs).toMatch(/intune_codesign_certificate_expiry_timestamp_seconds - time\(\) < 7 \* 86400/);
  });

  it("templates only labels the expiry metric carries", () => {
    const labels = new Set(["instance", "job", ...[...written.matchAll(/[{,](\w+)="/g)].map((m) => m[1]!)]);
    for (const rule of rules.groups[0]!.rules) {
      for (const [, label] of JSON.stringify(rule).matchAll(/\$labels\.(\w+)/g))
        expect(labels).toContain(label);
    }
  });
});

describe("docs/troubleshooting.md", () => {
  const page = read("docs/troubleshooting.md");
  const failureCodes = [...read("packages/sync/src/failure.ts").matchAll(/code: "(\w+)"/g)].map((m) => m[1]!);
  const planCodes = [...read("packages/sync/src/plan.ts").matchAll(/"(\w+_\w+|unmapped)"/g)].map(
    (m) => m[1]!,
  );

  it.each([
    ["parse error", [...PARSE_ERROR_CODES]],
    ["skip reason", [...SKIP_REASONS]],
    ["upload failure", failureCodes],
    ["plan outcome", planCodes],
  ])("has a row for every %s", (_kind, codes) => {
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(page, code).toMatch(new RegExp(`^\\| \`${code}\``, "m"));
  });

  it("has a row for every exit code", () => {
    for (const code of Object.values(ExitCode)) expect(page).toMatch(new RegExp(`^\\| ${code} `, "m"));
  });
});

describe("docs/name-rendering.md", () => {
  it("every worked example is what inspect --json renders", () => {
    const page = read("docs/name-rendering.md");
    const blocks = new Map(
      [...page.matchAll(/<!-- example: (\S+) -->\n```text\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]),
    );
    expect([...blocks.keys()]).toEqual(NAME_EXAMPLES.map((e) => e.id));
    const rendered = renderNameExamples();
    for (const example of NAME_EXAMPLES) {
      expect(blocks.get(example.id), example.id).toBe(exampleBlock(example, rendered.get(example.id)!));
    }
  });
});

describe("docs", () => {
  it("links only to files that exist", () => {
    for (const name of readdirSync(join(ROOT, "docs")).filter((n) => n.endsWith(".md"))) {
      const text = read(`docs/${name}`);
      for (const [, target] of text.matchAll(/\]\(((?!https?:|#)[^)#]+)(#[^)]*)?\)/g)) {
        expect(existsSync(join(ROOT, "docs", target!)), `${name} → ${target}`).toBe(true);
      }
    }
  });

  it("names only upload flags that exist", () => {
    for (const name of ["tenant-setup.md", "scheduling.md", "troubleshooting.md"]) {
      // Flags the page names in inline code (`--cloud`); other tools' flags live in code blocks.
      for (const [, flag] of read(`docs/${name}`).matchAll(/(?<!`)`(--[a-z][a-z-]+)/g)) {
        expect(uploadFlags.has(flag!) || flag === "--help", `${name}: ${flag}`).toBe(true);
      }
    }
  });

  it("every command's --help has examples", async () => {
    for (const command of ["upload", "inspect", "emulator"]) {
      const { stdout } = await runCli([command, "--help"]);
      expect(stdout, command).toMatch(/^Examples?:\n {2}intune-codesign /m);
    }
  });
});
