import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { RetentionInsightsPanel } from "../../../RetentionInsightsPanel/index";
import { timesAverage } from "../../../RetentionInsightsPanel/components/RiskSummary";
import { alertRow, createMockContext, MockWebApi, type MockContextOptions, offerRow, scoredValues } from "../../mocks/mockContext";

afterEach(cleanup);

const DAY = 24 * 60 * 60 * 1000;
const freshValues = { ...scoredValues, rtn_scoredon: new Date(Date.now() - DAY) };
const panelState = () => screen.getByTestId("retention-panel").getAttribute("data-state");
const details = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({ v: 1, h: 90, b: 0.08, bands: [0.05, 0.12, 0.25], r: [{ c: "complaints", p: { count: 1, days: 30 } }, { c: "short_tenure", p: { months: 0 } }], ...extra });

function renderControl(options: MockContextOptions) {
    const context = createMockContext(options);
    const control = new RetentionInsightsPanel();
    control.init();
    render(control.updateView(context as unknown as ComponentFramework.Context<never>));
    return context.webAPI;
}

function api(contact: Record<string, unknown> = { rtn_churnreasondetails: details(), rtn_valuesegment: 471500003 }): MockWebApi {
    const webApi = new MockWebApi();
    webApi.rows = {
        rtn_offerrecommendation: [offerRow(1, { rtn_talkingpoint: '{"c":"discount_goodwill"}', rtn_churnreduction: 0.2 }), offerRow(2)],
        rtn_retentionalert: [alertRow({ rtn_dueby: new Date(Date.now() - DAY).toISOString() })],
    };
    webApi.contact = contact;
    webApi.pastRows = [offerRow(4, { rtn_status: 471500001, rtn_respondedon: "2026-11-02T09:00:00Z", rtn_channel: 471500000 })];
    return webApi;
}

describe("RetentionPanel explanations", () => {
    it("Render_ReasonCodesForDutchUser_ShowsDutchReasonsWithPluralAndZeroFormsMarkedNl", async () => {
        renderControl({ values: freshValues, webApi: api(), language: 1043 });
        await waitFor(() => expect(panelState()).toBe("ready"));
        const list = screen.getByTestId("reasons");
        expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["1 klacht in de afgelopen 30 dagen", "Nieuwe klant (deze maand gestart)"]);
        expect(list.getAttribute("lang")).toBe("nl");
        expect(screen.getByTestId("retention-panel").getAttribute("lang")).toBe("nl");
    });

    it("Render_ReasonDetails_ShowsHorizonTimesAverageValueSegmentAndRiskIfAccepted", async () => {
        renderControl({ values: freshValues, webApi: api() });
        await waitFor(() => expect(panelState()).toBe("ready"));
        expect(screen.getByTestId("chance-to-leave").textContent).toBe("chance to leave in the next 90 days");
        expect(screen.getByTestId("times-average").textContent).toBe("9.2× the average customer");
        expect(screen.getByTestId("value-segment").textContent).toBe("Top value");
        const first = screen.getAllByTestId("offer-card")[0];
        expect(within(first).getByTestId("offer-reason").textContent).toBe("A gesture to make up for the recent service problems");
        expect(within(first).getByTestId("offer-risk-if-accepted").textContent).toBe("Risk 73% → 53% if accepted");
        // No churn reduction from the uplift model: no "if accepted" line and the stored reason text.
        expect(within(screen.getAllByTestId("offer-card")[1]).queryByTestId("offer-risk-if-accepted")).toBeNull();
        expect(screen.getByTestId("past-responses").textContent).toBe("Green upgrade: Accepted · 2026-11-02 · phone");
    });

    it("Render_TooEarly_ShowsTooEarlyInsteadOfThePercentage", async () => {
        renderControl({ values: freshValues, webApi: api({ rtn_churnreasondetails: details({ early: true }) }) });
        await waitFor(() => expect(screen.queryByTestId("too-early")).not.toBeNull());
        expect(screen.getByTestId("too-early").textContent).toContain("Too early to score");
        expect(screen.queryByTestId("churn-percentage")).toBeNull();
    });

    it("Render_ControlGroup_ShowsControlStateAndNoOffers", async () => {
        renderControl({ values: freshValues, webApi: api({ rtn_retentiongroup: 471500001 }) });
        await waitFor(() => expect(screen.queryByTestId("control-group")).not.toBeNull());
        expect(screen.getByTestId("control-group").textContent).toContain("Control group: no retention offer this period");
        expect(screen.queryAllByTestId("offer-card")).toHaveLength(0);
    });

    it("Render_ScoreColumnsHiddenByColumnSecurity_SaysNoAccessAndReadsNothing", () => {
        const webApi = renderControl({ values: freshValues, webApi: api(), scoresHidden: true });
        expect(panelState()).toBe("no-access");
        expect(screen.getByTestId("no-access").textContent).toContain("You do not have access to retention scores");
        expect(screen.queryByTestId("not-scored")).toBeNull();
        expect(webApi.queries).toHaveLength(0);
    });

    it("AlertActions_OverdueAlertAcknowledgedThenValid_WritesStatusAndFeedback", async () => {
        const webApi = renderControl({ values: freshValues, webApi: api() });
        await waitFor(() => expect(screen.queryByTestId("alert-overdue")).not.toBeNull());
        fireEvent.click(screen.getByRole("button", { name: "Acknowledge" }));
        await waitFor(() => expect(screen.queryByTestId("alert-acknowledged")).not.toBeNull());
        fireEvent.click(screen.getByRole("button", { name: "Valid" }));
        await waitFor(() => expect(screen.getByTestId("alert-feedback").textContent).toBe("Thank you: marked as Valid"));
        expect(webApi.updates.map((u) => [u.entityType, u.data.rtn_status, u.data.rtn_feedback])).toEqual([
            ["rtn_retentionalert", 471500001, undefined],
            ["rtn_retentionalert", 471500002, 471500000],
        ]);
    });

    it("TimesAverage_ProbabilityAndBaseRate_RoundsAndNeedsABaseRate", () => {
        expect(timesAverage(0.24, 0.08)).toBe(3);
        expect(timesAverage(0.7342, 0.08)).toBe(9.2);
        expect(timesAverage(0.9, 0.05)).toBe(18);
        expect(timesAverage(0.3, null)).toBeNull();
    });
});
