import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReasonDetails, renderPhrase } from "../../../RetentionInsightsPanel/model/phrases";
import { PHRASES } from "../../../RetentionInsightsPanel/model/phrases.generated";
import { projectDir } from "../../mocks/resx";

// The engine's catalogue, read from the repository: the panel and the engine must render the same codes the same way.
const cataloguePath = join(projectDir, "..", "..", "functions", "RetentionInsights.Scoring", "Explanations", "phrases.json");

describe("phrase catalogue", () => {
    it("GeneratedCopy_ComparedWithEngineCatalogue_IsIdentical", () => {
        expect(PHRASES).toEqual(JSON.parse(readFileSync(cataloguePath, "utf8")));
    });

    it("RenderPhrase_OneAndMany_UsesSingularAndPlural", () => {
        expect(renderPhrase("reasons", { code: "complaints", params: { count: 1, days: 30 } }, "en")).toBe("1 complaint in the last 30 days");
        expect(renderPhrase("reasons", { code: "complaints", params: { count: 3, days: 90 } }, "nl")).toBe("3 klachten in de afgelopen 90 dagen");
    });

    it("RenderPhrase_ZeroMonths_SaysNewCustomer", () => {
        expect(renderPhrase("reasons", { code: "short_tenure", params: { months: 0 } }, "en")).toBe("New customer (joined this month)");
        expect(renderPhrase("reasons", { code: "short_tenure", params: { months: 0 } }, "nl")).toBe("Nieuwe klant (deze maand gestart)");
    });

    it("RenderPhrase_DutchDecimal_UsesComma", () => {
        expect(renderPhrase("reasons", { code: "low_satisfaction", params: { score: 2.5 } }, "nl")).toBe("Lage tevredenheid over recente zaken (2,5 van 5)");
    });

    it("RenderPhrase_UnknownCodeOrMissingParameter_IsNull", () => {
        expect(renderPhrase("reasons", { code: "not_a_code", params: {} }, "en")).toBeNull();
        expect(renderPhrase("reasons", { code: "complaints", params: { count: 2 } }, "en")).toBeNull();
    });

    it("ParseReasonDetails_EngineJson_ReadsHorizonBaseRateBandsAndKnownReasons", () => {
        const details = parseReasonDetails('{"v":1,"h":90,"b":0.08,"bands":[0.05,0.12,0.25],"early":true,"r":[{"c":"complaints","p":{"count":2,"days":30}},{"c":"future_code"}]}');
        expect(details).toEqual({
            horizonDays: 90,
            baseRate: 0.08,
            bands: [0.05, 0.12, 0.25],
            tooEarly: true,
            reasons: [{ code: "complaints", params: { count: 2, days: 30 } }],
        });
        expect(parseReasonDetails("not json")).toBeNull();
    });
});
