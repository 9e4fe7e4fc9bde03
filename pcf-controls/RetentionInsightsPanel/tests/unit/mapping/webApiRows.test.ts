import { describe, expect, it } from "vitest";
import { mapAlertRow, mapOfferRows, signalsInLanguage } from "../../../RetentionInsightsPanel/mapping/webApiRows";
import { alertRow, offerRow } from "../../mocks/mockContext";

describe("mapOfferRows", () => {
    it("MapOfferRows_UnsortedRows_ReturnsProposedOffersByRank", () => {
        const offers = mapOfferRows([offerRow(3), offerRow(1), offerRow(2)]);
        expect(offers.map((o) => o.rank)).toEqual([1, 2, 3]);
        expect(offers[0]).toEqual({
            recommendationId: "a0c3e5f7-0000-4000-8000-000000000001",
            offerId: "b1d4f6a8-0000-4000-8000-000000000001",
            name: "Loyalty discount 10%",
            offerType: 471500000,
            rank: 1,
            acceptanceProbability: 0.46,
            expectedValue: 388.9,
            reason: "Reason for offer 1",
            talkingPoint: null,
            churnReduction: null,
            status: 471500000,
            respondedOn: null,
            channel: null,
        });
    });

    it("MapOfferRows_AnsweredAndSurplusRows_KeepsAtMostThreeProposed", () => {
        const offers = mapOfferRows([offerRow(1, { rtn_status: 471500002 }), offerRow(2), offerRow(3), offerRow(4), offerRow(1, { rtn_offerrecommendationid: "a0c3e5f7-0000-4000-8000-000000000009" })]);
        expect(offers.map((o) => o.recommendationId)).toEqual([
            "a0c3e5f7-0000-4000-8000-000000000009",
            "a0c3e5f7-0000-4000-8000-000000000002",
            "a0c3e5f7-0000-4000-8000-000000000003",
        ]);
    });

    it("MapOfferRows_RowWithoutId_IsDropped", () => {
        expect(mapOfferRows([offerRow(1, { rtn_offerrecommendationid: undefined }), offerRow(2)]).map((o) => o.rank)).toEqual([2]);
    });

    it("MapOfferRows_NumbersSerialisedAsStrings_AreParsed", () => {
        const [offer] = mapOfferRows([offerRow(1, { rtn_expectedvalue: "123.45", rtn_acceptanceprobability: "0.5", rtn_rank: "1" })]);
        expect([offer.expectedValue, offer.acceptanceProbability, offer.rank]).toEqual([123.45, 0.5, 1]);
    });

    it("MapOfferRows_NoExpandedOffer_FallsBackToTheRecommendationName", () => {
        const [offer] = mapOfferRows([offerRow(1, { rtn_offerid: undefined, rtn_name: "Loyalty discount for Sanne" })]);
        expect([offer.name, offer.offerType, offer.offerId]).toEqual(["Loyalty discount for Sanne", null, "b1d4f6a8-0000-4000-8000-000000000001"]);
    });
});

describe("mapAlertRow", () => {
    it("MapAlertRow_FullRow_SplitsSignalsAndParsesDueBy", () => {
        expect(mapAlertRow(alertRow())).toEqual({
            alertId: "c2e5a7b9-0000-4000-8000-000000000001",
            level: 471500003,
            signals: ["Two complaints about the annual bill in 14 days", "Negative tone in the last three emails"],
            sentiment: -0.62,
            dueBy: new Date("2026-11-21T10:00:00Z"),
            status: 471500000,
            feedback: null,
        });
    });

    it("MapAlertRow_NoRowOrNoLevel_IsNull", () => {
        expect(mapAlertRow(undefined)).toBeNull();
        expect(mapAlertRow(alertRow({ rtn_level: null }))).toBeNull();
    });

    it("MapAlertRow_UnparseableDueBy_KeepsTheAlertWithoutDueBy", () => {
        expect(mapAlertRow(alertRow({ rtn_dueby: "tomorrow" }))?.dueBy).toBeNull();
    });
});

describe("signalsInLanguage", () => {
    const stored = ["A strongly negative message (-0.87) in the last 14 days.", "\u2014", "Een sterk negatief bericht (-0,87) in de afgelopen 14 dagen."];

    it("SignalsInLanguage_EnglishResources_ShowsOnlyTheEnglishHalf", () => {
        expect(signalsInLanguage(stored, "en")).toEqual(["A strongly negative message (-0.87) in the last 14 days."]);
    });

    it("SignalsInLanguage_DutchResources_ShowsOnlyTheDutchHalf", () => {
        expect(signalsInLanguage(stored, "nl")).toEqual(["Een sterk negatief bericht (-0,87) in de afgelopen 14 dagen."]);
    });

    it("SignalsInLanguage_NoSeparator_ShowsEveryLine", () => {
        expect(signalsInLanguage(["one", "two"], "nl")).toEqual(["one", "two"]);
    });

    it("SignalsInLanguage_StoredTextFromTheService_SplitsAfterParsing", () => {
        const row = { rtn_retentionalertid: "a", rtn_level: 471500001, rtn_signals: "• First\n• Second\n\u2014\n• Eerste\n• Tweede" };
        expect(signalsInLanguage(mapAlertRow(row)!.signals, "nl")).toEqual(["Eerste", "Tweede"]);
    });
});
