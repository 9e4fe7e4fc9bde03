import { describe, expect, it } from "vitest";
import { formatDateTime, formatMoney, formatPercent, formatSentiment } from "../../../RetentionInsightsPanel/formatting/format";
import { mockFormatter } from "../../mocks/mockContext";

describe("format", () => {
    it("FormatPercent_Probability_IsAWholePercentage", () => {
        expect(formatPercent(mockFormatter, 0.7342)).toBe("73%");
        expect(formatPercent(mockFormatter, 0.735)).toBe("74%");
        expect(formatPercent(mockFormatter, 0)).toBe("0%");
    });

    it("FormatMoney_Value_IsRoundedToWholeUnitsWithTheCurrencySymbol", () => {
        expect(formatMoney(mockFormatter, 1240.5, "€")).toBe("€1,241");
        expect(formatMoney(mockFormatter, -35.2, "€")).toBe("-€35");
    });

    it("FormatSentiment_Sign_IsAlwaysShown", () => {
        expect(formatSentiment(mockFormatter, -0.62)).toBe("−0.62");
        expect(formatSentiment(mockFormatter, 0.3)).toBe("+0.30");
        expect(formatSentiment(mockFormatter, 0)).toBe("0.00");
    });

    it("FormatDateTime_Date_UsesThePlatformShortDateWithTime", () => {
        expect(formatDateTime(mockFormatter, new Date("2026-11-21T10:00:00Z"))).toBe("2026-11-21 10:00");
    });
});
