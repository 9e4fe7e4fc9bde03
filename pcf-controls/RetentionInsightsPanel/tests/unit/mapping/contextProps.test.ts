import { webDarkTheme, webLightTheme } from "@fluentui/react-components";
import { describe, expect, it } from "vitest";
import { mapContextToProps, mapScoreInput } from "../../../RetentionInsightsPanel/mapping/contextProps";
import { CONTACT_ID, createMockContext, NOW } from "../../mocks/mockContext";

describe("mapScoreInput", () => {
    it("MapScoreInput_EmptyOrMissingParameters_AreNullAndNotOptedOut", () => {
        expect(mapScoreInput({ rtn_churnprobability: { raw: null }, rtn_churnreasons: { raw: "   " } })).toEqual({
            churnProbability: null,
            previousChurnProbability: null,
            riskBand: null,
            clv12m: null,
            clv36m: null,
            pAlive: null,
            churnReasons: null,
            earlyWarningLevel: null,
            scoredOn: null,
            modelVersion: null,
            profilingOptOut: false,
            scoresReadable: true,
        });
    });

    it("MapScoreInput_DateAsIsoText_IsParsed", () => {
        expect(mapScoreInput({ rtn_scoredon: { raw: "2026-11-18T06:00:00Z" } }).scoredOn).toEqual(new Date("2026-11-18T06:00:00Z"));
    });
});

describe("mapContextToProps", () => {
    it("MapContextToProps_FormContext_TakesRecordIdModeCurrencyAndTheme", () => {
        const context = createMockContext({ disabled: true, theme: "dark" });
        const props = mapContextToProps(context, () => NOW);
        expect(props.contactId).toBe(`{${CONTACT_ID.toUpperCase()}}`);
        expect(props.readOnly).toBe(true);
        expect(props.currencySymbol).toBe("€");
        expect(props.theme).toBe(webDarkTheme);
        expect(props.webApi).toBe(context.webAPI);
        expect(props.t("Offers_Heading")).toBe("Best offers");
    });

    it("MapContextToProps_NoPlatformThemeOrRecordId_UsesLightThemeAndNoContact", () => {
        const props = mapContextToProps(createMockContext({ contactId: null }), () => NOW);
        expect(props.theme).toBe(webLightTheme);
        expect(props.contactId).toBeNull();
    });
});
