import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { RetentionInsightsPanel } from "../../../RetentionInsightsPanel/index";
import { alertRow, CONTACT_ID, createMockContext, MockWebApi, type MockContextOptions, offerRow, scoredValues } from "../../mocks/mockContext";

afterEach(cleanup);

const DAY = 24 * 60 * 60 * 1000;

/** Renders the control the way the platform does: init, then the element updateView returns. */
function renderControl(options: MockContextOptions = {}) {
    const context = createMockContext(options);
    const control = new RetentionInsightsPanel();
    control.init();
    const element = control.updateView(context as unknown as ComponentFramework.Context<never>);
    const view = render(element);
    const rerender = (next: MockContextOptions) => view.rerender(control.updateView(createMockContext(next) as unknown as ComponentFramework.Context<never>));
    return { context, api: context.webAPI, view, rerender };
}

function apiWithOffers(): MockWebApi {
    const api = new MockWebApi();
    // Due tomorrow (real clock: the control takes the time from the platform).
    api.rows = { rtn_offerrecommendation: [offerRow(1), offerRow(2), offerRow(3)], rtn_retentionalert: [alertRow({ rtn_dueby: new Date(Date.now() + DAY).toISOString() })] };
    return api;
}

const freshValues = { ...scoredValues, rtn_scoredon: new Date(Date.now() - DAY) };
const panelState = () => screen.getByTestId("retention-panel").getAttribute("data-state");

describe("RetentionPanel", () => {
    it("Render_ScoredContact_ShowsPercentageBandTrendValuesAndReasons", async () => {
        renderControl({ values: freshValues, webApi: apiWithOffers() });
        expect(screen.getByTestId("churn-percentage").textContent).toBe("73%");
        expect(screen.getByTestId("risk-band").textContent).toBe("High risk");
        expect(screen.getByTestId("risk-trend").textContent).toContain("Up 12 pts since previous score");
        expect(screen.getByTestId("clv-12m").textContent).toBe("€1,241");
        expect(screen.getByTestId("clv-36m").textContent).toBe("€3,180");
        expect(screen.getByTestId("p-alive").textContent).toBe("82%");
        expect(within(screen.getByTestId("reasons")).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
            "Fixed-term contract ends in 26 days",
            "2 complaints in the last 90 days",
            "Last 3 invoices paid late",
        ]);
        expect(screen.getByTestId("footer").textContent).toContain("churn-lgbm-2026.11.16");
        await waitFor(() => expect(panelState()).toBe("ready"));
        expect(screen.queryByTestId("stale")).toBeNull();
    });

    it("Render_WhileWebApiPending_ShowsLoadingThenOfferCardsAndAlert", async () => {
        const api = apiWithOffers();
        api.holdReads = true;
        renderControl({ values: freshValues, webApi: api });
        expect(panelState()).toBe("loading");
        expect(screen.getByText("Loading offers and alerts…")).toBeTruthy();
        await act(async () => api.releaseAll());
        await waitFor(() => expect(panelState()).toBe("ready"));
        const cards = screen.getAllByTestId("offer-card");
        expect(cards).toHaveLength(3);
        expect(within(cards[0]).getByRole("heading").textContent).toBe("Loyalty discount 10%");
        expect(within(cards[0]).getByTestId("offer-acceptance").textContent).toBe("46%");
        expect(within(cards[0]).getByTestId("offer-expected-value").textContent).toBe("€389");
        expect(cards[0].textContent).toContain("Offer 1 · Discount");
        const banner = screen.getByTestId("alert-banner");
        expect(banner.textContent).toContain("Red early warning");
        expect(screen.getByTestId("alert-due").textContent).toContain("Respond by");
        expect(within(screen.getByTestId("alert-signals")).getAllByRole("listitem")).toHaveLength(2);
    });

    it("Render_QueriesOffersAndAlertForTheFormRecord", async () => {
        const { api } = renderControl({ values: freshValues, webApi: apiWithOffers() });
        await waitFor(() => expect(panelState()).toBe("ready"));
        // Proposed offers, past responses, the alert, and the contact row.
        expect(api.queries).toHaveLength(4);
        for (const query of api.queries) {
            expect(query.options).toContain(CONTACT_ID);
        }
    });

    it("Render_ProfilingOptOut_ShowsOptOutAndNeverCallsWebApi", async () => {
        const { api } = renderControl({ values: { ...freshValues, rtn_profilingoptout: true }, webApi: apiWithOffers() });
        expect(screen.getByTestId("opt-out").textContent).toContain("objected to profiling");
        expect(screen.queryByTestId("churn-percentage")).toBeNull();
        await act(async () => undefined);
        expect(api.queries).toHaveLength(0);
        expect(screen.queryByTestId("offer-card")).toBeNull();
    });

    it("Render_NotScored_ShowsNotYetScoredAndStillLoadsOffers", async () => {
        renderControl({ values: { rtn_churnprobability: null, rtn_profilingoptout: false }, webApi: new MockWebApi() });
        expect(screen.getByTestId("not-scored").textContent).toContain("Not yet scored");
        await waitFor(() => expect(screen.getByTestId("no-offers")).toBeTruthy());
        expect(panelState()).toBe("not-scored");
    });

    it("Render_ScoredTenDaysAgo_ShowsStaleWarning", async () => {
        renderControl({ values: { ...scoredValues, rtn_scoredon: new Date(Date.now() - 10 * DAY - 1000) }, webApi: new MockWebApi() });
        expect(screen.getByTestId("stale").textContent).toContain("Last scored 10 days ago");
        await waitFor(() => expect(panelState()).toBe("ready"));
    });

    it("Render_WebApiFails_ShowsErrorAndRetryReloads", async () => {
        const api = apiWithOffers();
        api.failReads = 2;
        renderControl({ values: freshValues, webApi: api });
        await waitFor(() => expect(panelState()).toBe("error"));
        expect(screen.getByTestId("load-error").textContent).toContain("Could not load offers and alerts");
        fireEvent.click(screen.getByRole("button", { name: "Retry" }));
        await waitFor(() => expect(panelState()).toBe("ready"));
        expect(screen.getAllByTestId("offer-card")).toHaveLength(3);
        expect(api.queries).toHaveLength(8);
    });

    it("AcceptClick_UpdatesRecommendationAndLocksTheOtherOffers", async () => {
        const { api } = renderControl({ values: freshValues, webApi: apiWithOffers() });
        await waitFor(() => expect(panelState()).toBe("ready"));
        fireEvent.click(screen.getByRole("button", { name: "Accept Loyalty discount 10%" }));
        await waitFor(() => expect(screen.getByTestId("offer-status").textContent).toMatch(/^Accepted/));
        // Focus moves to the outcome instead of dropping to the page body.
        expect(document.activeElement).toBe(screen.getByTestId("offer-status"));
        expect(api.updates).toHaveLength(1);
        expect(api.updates[0].entityType).toBe("rtn_offerrecommendation");
        expect(api.updates[0].id).toBe("a0c3e5f7-0000-4000-8000-000000000001");
        expect(api.updates[0].data.rtn_status).toBe(471500001);
        expect(api.updates[0].data.rtn_channel).toBe(471500000);
        expect(Math.abs(Date.parse(api.updates[0].data.rtn_respondedon as string) - Date.now())).toBeLessThan(60_000);
        expect((screen.getByRole("button", { name: "Accept Fixed price 3 years" }) as HTMLButtonElement).disabled).toBe(true);
    });

    it("DeclineClick_UpdateFails_ShowsErrorAndKeepsButtonsForAnotherTry", async () => {
        const api = apiWithOffers();
        api.failUpdates = 1;
        renderControl({ values: freshValues, webApi: api });
        await waitFor(() => expect(panelState()).toBe("ready"));
        fireEvent.click(screen.getByRole("button", { name: "Decline Payment plan" }));
        await waitFor(() => expect(screen.getByTestId("offer-error").textContent).toContain("Could not save the response"));
        const decline = screen.getByRole("button", { name: "Decline Payment plan" }) as HTMLButtonElement;
        expect(decline.disabled).toBe(false);
        fireEvent.click(decline);
        await waitFor(() => expect(screen.getByTestId("offer-status").textContent).toMatch(/^Declined/));
        expect(api.updates.map((u) => u.data.rtn_status)).toEqual([471500002, 471500002]);
    });

    it("Render_ReadOnlyForm_ShowsOffersWithDisabledButtons", async () => {
        renderControl({ values: freshValues, webApi: apiWithOffers(), disabled: true });
        await waitFor(() => expect(panelState()).toBe("ready"));
        expect((screen.getByRole("button", { name: "Accept Loyalty discount 10%" }) as HTMLButtonElement).disabled).toBe(true);
    });

    it("Render_UnsavedContact_DoesNotQueryWebApi", async () => {
        const { api } = renderControl({ values: freshValues, webApi: apiWithOffers(), contactId: null });
        await act(async () => undefined);
        expect(api.queries).toHaveLength(0);
        expect(screen.getByTestId("churn-percentage").textContent).toBe("73%");
    });

    it("Render_AlertLevelNone_ShowsNoBanner", async () => {
        const api = apiWithOffers();
        api.rows.rtn_retentionalert = [alertRow({ rtn_level: 471500000 })];
        renderControl({ values: freshValues, webApi: api });
        await waitFor(() => expect(panelState()).toBe("ready"));
        expect(screen.queryByTestId("alert-banner")).toBeNull();
    });

    it("Render_DutchUser_ShowsDutchResources", async () => {
        renderControl({ values: freshValues, webApi: apiWithOffers(), language: 1043 });
        expect(screen.getByTestId("risk-band").textContent).toBe("Hoog risico");
        expect(screen.getByText("Opzegrisico")).toBeTruthy();
        await waitFor(() => expect(screen.getByTestId("alert-banner").textContent).toContain("Vroegsignaal Rood"));
        expect(screen.getByRole("button", { name: "Loyalty discount 10% accepteren" })).toBeTruthy();
    });

    it("Rerender_OtherContactWhileLoading_IgnoresTheLateAnswerOfTheFirst", async () => {
        const slow = apiWithOffers();
        slow.holdReads = true;
        const { rerender } = renderControl({ values: freshValues, webApi: slow });
        const fast = new MockWebApi();
        fast.rows.rtn_offerrecommendation = [offerRow(4)];
        rerender({ values: freshValues, webApi: fast, contactId: "9a9a9a9a-0000-4000-8000-000000000099" });
        await waitFor(() => expect(screen.getAllByTestId("offer-card")).toHaveLength(1));
        await act(async () => slow.releaseAll());
        expect(screen.getAllByTestId("offer-card")).toHaveLength(1);
        expect(within(screen.getByTestId("offer-card")).getByRole("heading").textContent).toBe("Green upgrade");
    });

    it("Render_Panel_IsANamedRegionWithLabelledGroups", async () => {
        renderControl({ values: freshValues, webApi: apiWithOffers() });
        expect(screen.getByRole("region", { name: "Retention insights" })).toBeTruthy();
        await waitFor(() => expect(panelState()).toBe("ready"));
        expect(screen.getByRole("group", { name: "Best offers" })).toBeTruthy();
        expect(screen.getByRole("group", { name: "Why at risk" })).toBeTruthy();
    });
});
