import type { ContactScoreInput, RiskTrend, ScoreState } from "../model/types";

/** Scores older than this are flagged: the customer's situation may have changed since. */
export const STALE_AFTER_DAYS = 7;
const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** Changes below half a percentage point are noise from recalibration, not a trend. */
const FLAT_TREND_POINTS = 0.5;
export const MAX_REASONS = 5;

export function mapScoreState(input: ContactScoreInput, now: Date): ScoreState {
    if (input.profilingOptOut) {
        return { kind: "optOut" };
    }
    // Column security returns secured columns empty; without this state the agent would read "not yet scored".
    if (!input.scoresReadable) {
        return { kind: "noAccess" };
    }
    if (input.churnProbability === null || !Number.isFinite(input.churnProbability)) {
        return { kind: "notScored" };
    }
    return {
        kind: "scored",
        churnProbability: clamp01(input.churnProbability),
        riskBand: input.riskBand,
        trend: computeTrend(input.churnProbability, input.previousChurnProbability),
        clv12m: input.clv12m,
        clv36m: input.clv36m,
        pAlive: input.pAlive === null ? null : clamp01(input.pAlive),
        reasons: parseLines(input.churnReasons).slice(0, MAX_REASONS),
        earlyWarningLevel: input.earlyWarningLevel,
        scoredOn: input.scoredOn,
        modelVersion: input.modelVersion,
        staleDays: staleDays(input.scoredOn, now),
    };
}

export function computeTrend(current: number, previous: number | null): RiskTrend {
    if (previous === null || !Number.isFinite(previous)) {
        return { direction: "none", points: 0 };
    }
    const delta = (current - previous) * 100;
    if (Math.abs(delta) < FLAT_TREND_POINTS) {
        return { direction: "flat", points: 0 };
    }
    return { direction: delta > 0 ? "up" : "down", points: Math.max(1, Math.round(Math.abs(delta))) };
}

export function staleDays(scoredOn: Date | null, now: Date): number | null {
    if (scoredOn === null || Number.isNaN(scoredOn.getTime())) {
        return null;
    }
    const ageMs = now.getTime() - scoredOn.getTime();
    return ageMs > STALE_AFTER_DAYS * MS_PER_DAY ? Math.floor(ageMs / MS_PER_DAY) : null;
}

/** Multi-line text columns hold one item per line; blank lines and bullets typed by people are dropped. */
export function parseLines(text: string | null | undefined): string[] {
    if (!text) {
        return [];
    }
    return text
        .split(/\r?\n/)
        .map((line) => line.replace(/^\s*[-•*]\s*/, "").trim())
        .filter((line) => line.length > 0);
}

function clamp01(value: number): number {
    return Math.min(1, Math.max(0, value));
}
