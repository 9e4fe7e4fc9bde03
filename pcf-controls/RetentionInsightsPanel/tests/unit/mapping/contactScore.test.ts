import { describe, expect, it } from "vitest";
import { computeTrend, mapScoreState, MAX_REASONS, parseLines, staleDays } from "../../../RetentionInsightsPanel/mapping/contactScore";
import type { ContactScoreInput } from "../../../RetentionInsightsPanel/model/types";

const NOW = new Date("2026-11-20T10:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

const input = (overrides: Partial<ContactScoreInput> = {}): ContactScoreInput => ({
    churnProbability: 0.42,
    scoresReadable: true,
    previousChurnProbability: 0.4,
    riskBand: 471500001,
    clv12m: 500,
    clv36m: 1400,
    pAlive: 0.9,
    churnReasons: "Contract ends in 20 days",
    earlyWarningLevel: 471500000,
    scoredOn: new Date(NOW.getTime() - DAY),
    modelVersion: "v1",
    profilingOptOut: false,
    ...overrides,
});

describe("mapScoreState", () => {
    it("MapScoreState_ProfilingOptOut_IsOptOutEvenWhenOldScoresRemain", () => {
        expect(mapScoreState(input({ profilingOptOut: true }), NOW)).toEqual({ kind: "optOut" });
    });

    it("MapScoreState_NoChurnProbability_IsNotScored", () => {
        expect(mapScoreState(input({ churnProbability: null }), NOW).kind).toBe("notScored");
        expect(mapScoreState(input({ churnProbability: Number.NaN }), NOW).kind).toBe("notScored");
    });

    it("MapScoreState_ProbabilityOutsideZeroToOne_IsClamped", () => {
        const state = mapScoreState(input({ churnProbability: 1.2, pAlive: -0.1 }), NOW);
        expect(state.kind === "scored" && [state.churnProbability, state.pAlive]).toEqual([1, 0]);
    });

    it("MapScoreState_ManyReasons_KeepsTheTopFiveInOrder", () => {
        const reasons = Array.from({ length: 8 }, (_, i) => `Reason ${i + 1}`).join("\n");
        const state = mapScoreState(input({ churnReasons: reasons }), NOW);
        expect(state.kind === "scored" && state.reasons).toEqual(["Reason 1", "Reason 2", "Reason 3", "Reason 4", "Reason 5"]);
        expect(MAX_REASONS).toBe(5);
    });

    it("MapScoreState_ScoredTenDaysAgo_ReportsStaleDays", () => {
        const state = mapScoreState(input({ scoredOn: new Date(NOW.getTime() - 10 * DAY) }), NOW);
        expect(state.kind === "scored" && state.staleDays).toBe(10);
    });
});

describe("staleDays", () => {
    it("StaleDays_ExactlySevenDays_IsNotStale", () => {
        expect(staleDays(new Date(NOW.getTime() - 7 * DAY), NOW)).toBeNull();
    });

    it("StaleDays_SevenDaysAndAMinute_IsStaleWithSevenWholeDays", () => {
        expect(staleDays(new Date(NOW.getTime() - 7 * DAY - 60_000), NOW)).toBe(7);
    });

    it("StaleDays_NoOrInvalidDate_IsNull", () => {
        expect(staleDays(null, NOW)).toBeNull();
        expect(staleDays(new Date("not a date"), NOW)).toBeNull();
    });
});

describe("computeTrend", () => {
    it("ComputeTrend_RiskRoseTwelvePoints_IsUpTwelve", () => {
        expect(computeTrend(0.7342, 0.6118)).toEqual({ direction: "up", points: 12 });
    });

    it("ComputeTrend_RiskFell_IsDownWithAtLeastOnePoint", () => {
        expect(computeTrend(0.3, 0.5)).toEqual({ direction: "down", points: 20 });
        expect(computeTrend(0.5, 0.5063)).toEqual({ direction: "down", points: 1 });
    });

    it("ComputeTrend_ChangeBelowHalfAPoint_IsFlat", () => {
        expect(computeTrend(0.9105, 0.9102)).toEqual({ direction: "flat", points: 0 });
    });

    it("ComputeTrend_NoPreviousScore_IsNone", () => {
        expect(computeTrend(0.4, null)).toEqual({ direction: "none", points: 0 });
    });
});

describe("parseLines", () => {
    it("ParseLines_BulletsBlankLinesAndCrLf_ReturnsCleanItems", () => {
        expect(parseLines("- First\r\n\r\n• Second  \n* Third\n   ")).toEqual(["First", "Second", "Third"]);
    });

    it("ParseLines_EmptyOrNull_ReturnsNothing", () => {
        expect(parseLines(null)).toEqual([]);
        expect(parseLines("")).toEqual([]);
    });
});
