import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";

// The insights contract is one file beside the service's handlers; the preview harness and the browser fixtures are held
// to it here, the service's own answers in the service's tests.
const panelRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const schemaPath = join(panelRoot, "..", "..", "functions", "RetentionInsights.Functions", "Endpoints", "insights.schema.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as {
    properties: Record<string, unknown>;
    definitions: { offer: { properties: Record<string, unknown> }; alert: { properties: Record<string, unknown> } };
};

async function fixtures(): Promise<Record<string, unknown>> {
    // A plain .mjs module shared with the browser suite; imported by path so the type checker does not need its types.
    const path = join(panelRoot, "browser-tests", "mock-api.mjs");
    const module = (await import(/* @vite-ignore */ path)) as { createFixtures: () => Record<string, unknown> };
    return module.createFixtures();
}

function namesRead(source: string, variable: string): string[] {
    return [...new Set([...source.matchAll(new RegExp(`\\b${variable}\\.([a-zA-Z]\\w*)`, "g"))].map((m) => m[1]))];
}

describe("insights contract", () => {
    it("every browser fixture is an answer the service could give", async () => {
        const validate = new Ajv({ allErrors: true }).compile(schema);
        for (const [id, insights] of Object.entries(await fixtures())) {
            const valid = validate(insights);
            expect(validate.errors ?? [], `fixture ${id}`).toEqual([]);
            expect(valid).toBe(true);
        }
    });

    it("the preview harness reads only fields the contract has", () => {
        const harness = readFileSync(join(panelRoot, "harness", "harness.js"), "utf8");
        // data.customers is the customer-list answer and data.rtn_* an update body: not the insights answer.
        const insightsFields = namesRead(harness, "data").filter((n) => n !== "customers" && !n.startsWith("rtn_"));
        expect(insightsFields.length).toBeGreaterThan(3);
        expect(insightsFields.filter((n) => !(n in schema.properties))).toEqual([]);
        const contextFields = namesRead(harness, "insights");
        expect(contextFields.length).toBeGreaterThan(5);
        expect(contextFields.filter((n) => !(n in schema.properties))).toEqual([]);
        const offerFields = namesRead(harness, "offer");
        expect(offerFields.length).toBeGreaterThan(5);
        expect(offerFields.filter((n) => !(n in schema.definitions.offer.properties))).toEqual([]);
        const alertFields = namesRead(harness, "alert");
        expect(alertFields.filter((n) => !(n in schema.definitions.alert.properties))).toEqual([]);
    });
});
