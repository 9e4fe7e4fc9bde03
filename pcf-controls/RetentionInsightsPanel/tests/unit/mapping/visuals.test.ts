import { describe, expect, it } from "vitest";
import { alertIntent, alertLevelColor, riskBandColor } from "../../../RetentionInsightsPanel/mapping/visuals";
import { EarlyWarningLevel, RiskBand } from "../../../RetentionInsightsPanel/model/names";

describe("visuals", () => {
    it("RiskBandColor_EachBand_EscalatesFromSuccessToDanger", () => {
        expect([RiskBand.Low, RiskBand.Medium, RiskBand.High, RiskBand.Critical].map(riskBandColor)).toEqual(["success", "warning", "severe", "danger"]);
        expect(riskBandColor(null)).toBe("informative");
    });

    it("AlertIntent_NoneLevel_ShowsNoBannerAndRedIsAnError", () => {
        expect(alertIntent(EarlyWarningLevel.None)).toBeNull();
        expect(alertIntent(EarlyWarningLevel.Yellow)).toBe("warning");
        expect(alertIntent(EarlyWarningLevel.Red)).toBe("error");
    });

    it("AlertLevelColor_YellowAndOrange_AreDistinguishable", () => {
        expect(alertLevelColor(EarlyWarningLevel.Yellow)).not.toBe(alertLevelColor(EarlyWarningLevel.Orange));
    });
});
