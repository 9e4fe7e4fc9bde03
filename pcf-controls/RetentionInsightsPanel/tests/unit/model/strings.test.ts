import { describe, expect, it } from "vitest";
import { createTranslate, StringKeys } from "../../../RetentionInsightsPanel/model/strings";
import { readResx } from "../../mocks/resx";

describe("strings", () => {
    it("StringKeys_EveryKey_HasANonEmptyValueInEnglishAndDutch", () => {
        for (const lcid of [1033, 1043] as const) {
            const strings = readResx(lcid);
            const missing = StringKeys.filter((key) => !strings[key]);
            expect(missing, `missing in ${lcid}`).toEqual([]);
        }
    });

    it("ResxFiles_EnglishAndDutch_HaveTheSameKeysAndPlaceholders", () => {
        const en = readResx(1033);
        const nl = readResx(1043);
        expect(Object.keys(nl).sort()).toEqual(Object.keys(en).sort());
        const placeholders = (text: string): string[] => (text.match(/\{\d+\}/g) ?? []).sort();
        for (const key of Object.keys(en)) {
            expect(placeholders(nl[key]), key).toEqual(placeholders(en[key]));
        }
    });

    it("Translate_WithArguments_ReplacesNumberedPlaceholders", () => {
        const t = createTranslate((key) => ({ Trend_Up: "Up {0} pts since previous score", Risk_Band: "{0} risk" })[key] ?? "");
        expect(t("Trend_Up", 12)).toBe("Up 12 pts since previous score");
        expect(t("Risk_Band", "High")).toBe("High risk");
    });

    it("Translate_MissingResource_FallsBackToTheKey", () => {
        const t = createTranslate(() => "");
        expect(t("Offers_Heading")).toBe("Offers_Heading");
    });
});
