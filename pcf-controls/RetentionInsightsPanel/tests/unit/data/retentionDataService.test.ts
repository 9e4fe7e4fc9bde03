import { describe, expect, it } from "vitest";
import { alertQuery, loadRetentionData, normaliseId, offersQuery, respondToOffer } from "../../../RetentionInsightsPanel/data/retentionDataService";
import { alertRow, CONTACT_ID, MockWebApi, NOW, offerRow } from "../../mocks/mockContext";

describe("queries", () => {
    it("OffersQuery_Contact_IsTheContractedOpenTopThreeQuery", () => {
        expect(offersQuery(`{${CONTACT_ID.toUpperCase()}}`)).toBe(
            `?$filter=_rtn_contactid_value eq ${CONTACT_ID} and rtn_status eq 471500000` +
                "&$orderby=rtn_rank asc&$top=3&$expand=rtn_offerid($select=rtn_name,rtn_offertype)",
        );
    });

    it("AlertQuery_Contact_IsTheContractedNewestUnresolvedAlertQuery", () => {
        expect(alertQuery(CONTACT_ID)).toBe(`?$filter=_rtn_contactid_value eq ${CONTACT_ID} and rtn_status ne 471500002&$orderby=createdon desc&$top=1`);
    });

    it("NormaliseId_NotAGuid_IsRejectedSoNoFilterCanBeInjected", () => {
        expect(() => normaliseId(`${CONTACT_ID} or 1 eq 1`)).toThrow();
        expect(normaliseId(`{${CONTACT_ID.toUpperCase()}}`)).toBe(CONTACT_ID);
    });
});

describe("loadRetentionData", () => {
    it("LoadRetentionData_RowsFromBothTables_AreMapped", async () => {
        const api = new MockWebApi();
        api.rows = { rtn_offerrecommendation: [offerRow(2), offerRow(1)], rtn_retentionalert: [alertRow()] };
        const data = await loadRetentionData(api, CONTACT_ID);
        expect(data.offers.map((o) => o.name)).toEqual(["Loyalty discount 10%", "Fixed price 3 years"]);
        expect(data.alert?.level).toBe(471500003);
        expect(api.queries.map((q) => q.entityType).sort()).toEqual(["contact", "rtn_offerrecommendation", "rtn_offerrecommendation", "rtn_retentionalert"]);
    });

    it("LoadRetentionData_NoAlertRow_HasNullAlert", async () => {
        const data = await loadRetentionData(new MockWebApi(), CONTACT_ID);
        expect(data).toEqual({ offers: [], pastResponses: [], alert: null, contact: { details: null, valueSegment: null, controlGroup: false } });
    });

    it("LoadRetentionData_ReadFails_Rejects", async () => {
        const api = new MockWebApi();
        api.failReads = 1;
        await expect(loadRetentionData(api, CONTACT_ID)).rejects.toThrow("503");
    });
});

describe("respondToOffer", () => {
    it("RespondToOffer_Accepted_UpdatesStatusRespondedOnAndPhoneChannel", async () => {
        const api = new MockWebApi();
        const status = await respondToOffer(api, "{A0C3E5F7-0000-4000-8000-000000000001}", "accepted", NOW);
        expect(status).toBe(471500001);
        expect(api.updates).toEqual([
            {
                entityType: "rtn_offerrecommendation",
                id: "a0c3e5f7-0000-4000-8000-000000000001",
                data: { rtn_status: 471500001, rtn_respondedon: "2026-11-20T10:00:00.000Z", rtn_channel: 471500000 },
            },
        ]);
    });

    it("RespondToOffer_Declined_WritesDeclinedStatus", async () => {
        const api = new MockWebApi();
        expect(await respondToOffer(api, "a0c3e5f7-0000-4000-8000-000000000002", "declined", NOW)).toBe(471500002);
        expect(api.updates[0].data.rtn_status).toBe(471500002);
    });
});
