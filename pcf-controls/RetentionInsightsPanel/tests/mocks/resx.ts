import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const projectDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const controlDir = join(projectDir, "RetentionInsightsPanel");

/** Reads a resx file of the control the way the platform does: name -> value. */
export function readResx(lcid: 1033 | 1043): Record<string, string> {
    const xml = readFileSync(join(controlDir, "strings", `RetentionInsightsPanel.${lcid}.resx`), "utf8");
    const doc = new DOMParser().parseFromString(xml, "application/xml");
    const map: Record<string, string> = {};
    for (const node of Array.from(doc.getElementsByTagName("data"))) {
        map[node.getAttribute("name") ?? ""] = node.getElementsByTagName("value")[0]?.textContent ?? "";
    }
    return map;
}
