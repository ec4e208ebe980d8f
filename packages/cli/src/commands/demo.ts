import { Command } from "commander";

/** `demo`: the main job on its embedded default: sample certificates, a local emulator, two upload runs. */
export function demoCommand(): Command {
  return new Command("demo")
    .summary("try it: upload sample certificates to a local Graph emulator (no tenant, no network)")
    .description(
      "Writes sample certificate files (good ones in every container, one expired, one for TLS, one broken), starts the Graph emulator on loopback with throttling and injected faults, runs `upload` against it twice (the second run finds everything in sync and sends nothing), and prints the report and the emulated tenant. Exits 0 when every outcome is the expected one.",
    )
    .option("--keep", "keep the sample folder and state store (printed) instead of deleting them", false)
    .addHelpText("after", "\nExample:\n  intune-codesign demo --keep")
    .action(async (flags: { keep: boolean }) => {
      const { runDemo } = await import("../demo/run-demo.js");
      process.exitCode = await runDemo(flags.keep);
    });
}
