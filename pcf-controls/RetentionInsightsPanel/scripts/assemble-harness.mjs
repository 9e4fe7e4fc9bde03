// Copies the preview harness, the platform libraries (React 16 UMD, the Fluent v9 platform build shipped in pcf-start)
// and the built control into out/harness, which `rtn serve --demo` serves at "/". Every URL in the page is relative.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

export function assembleHarness(root) {
    const controlOut = join(root, "out", "controls", "RetentionInsightsPanel");
    if (!existsSync(join(controlOut, "bundle.js"))) {
        throw new Error(`Build the control first: ${controlOut}/bundle.js is missing`);
    }
    const target = join(root, "out", "harness");
    rmSync(target, { recursive: true, force: true });
    mkdirSync(join(target, "vendor"), { recursive: true });
    cpSync(join(root, "harness"), target, { recursive: true });
    const reactDir = dirname(require.resolve("react/package.json"));
    const reactDomDir = dirname(require.resolve("react-dom/package.json"));
    const pcfStartDir = dirname(require.resolve("pcf-start/package.json"));
    cpSync(join(reactDir, "umd", "react.production.min.js"), join(target, "vendor", "react.js"));
    cpSync(join(reactDomDir, "umd", "react-dom.production.min.js"), join(target, "vendor", "react-dom.js"));
    cpSync(join(pcfStartDir, "lib", "fluent_9_4_0.js"), join(target, "vendor", "fluent.js"));
    cpSync(controlOut, join(target, "control"), { recursive: true });
    // Static file servers (ASP.NET Core's included) refuse unknown extensions such as .resx, so the page reads the same
    // resources under .xml.
    mkdirSync(join(target, "strings"), { recursive: true });
    for (const file of readdirSync(join(controlOut, "strings")).filter((name) => name.endsWith(".resx"))) {
        cpSync(join(controlOut, "strings", file), join(target, "strings", file.replace(/\.resx$/, ".xml")));
    }
    return target;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
    console.log(assembleHarness(join(dirname(fileURLToPath(import.meta.url)), "..")));
}
