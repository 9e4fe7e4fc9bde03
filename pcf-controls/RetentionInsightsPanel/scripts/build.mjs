// Production build of the control, made strict: pcf-scripts exits 0 even when ESLint, TypeScript or webpack fail
// (it only prints "[build] Failed") and can leave a bundle without the registration stub behind. This wrapper turns
// both into a non-zero exit, then assembles the preview harness from the fresh bundle.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assembleHarness } from "./assemble-harness.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const mode = process.argv[2] === "development" ? "development" : "production";
const controlOut = join(root, "out", "controls", "RetentionInsightsPanel");
const expectedStub = "ComponentFramework.registerControl('RetentionInsights.RetentionInsightsPanel'";

rmSync(controlOut, { recursive: true, force: true });
const pcfScripts = join(dirname(require.resolve("pcf-scripts/package.json")), "bin", "pcf-scripts.js");
const result = spawnSync(process.execPath, [pcfScripts, "build", "--buildMode", mode], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: "true" },
});
const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
process.stdout.write(output);

const failures = [];
if (result.status !== 0) failures.push(`pcf-scripts exited with ${result.status}`);
if (/\[build\] Failed/.test(output)) failures.push("pcf-scripts reported [build] Failed");
const bundle = join(controlOut, "bundle.js");
if (!existsSync(bundle)) {
    failures.push(`missing ${bundle}`);
} else if (!readFileSync(bundle, "utf8").includes(expectedStub)) {
    failures.push(`bundle.js lacks the registration stub ${expectedStub}`);
}
for (const file of ["ControlManifest.xml", "strings/RetentionInsightsPanel.1033.resx", "strings/RetentionInsightsPanel.1043.resx"]) {
    if (!existsSync(join(controlOut, file))) failures.push(`missing ${file} in the build output`);
}
if (failures.length > 0) {
    console.error(`[build.mjs] FAILED: ${failures.join("; ")}`);
    process.exit(1);
}
const harnessDir = assembleHarness(root);
console.log(`[build.mjs] ${mode} build OK: ${controlOut}; harness: ${harnessDir}`);
