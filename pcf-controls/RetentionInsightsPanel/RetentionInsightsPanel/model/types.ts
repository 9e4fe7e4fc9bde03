// Plain data the UI renders. Mapping functions build these from the PCF context and Web API rows so that the
// components never touch a Dataverse type.
import type { Phrase, ReasonDetails } from "./phrases";

/** The contact's bound score columns as the form delivers them (null = empty column). */
export interface ContactScoreInput {
    churnProbability: number | null;
    previousChurnProbability: number | null;
    riskBand: number | null;
    clv12m: number | null;
    clv36m: number | null;
    pAlive: number | null;
    churnReasons: string | null;
    earlyWarningLevel: number | null;
    scoredOn: Date | null;
    modelVersion: string | null;
    profilingOptOut: boolean;
    /** False when column security hides the score columns from this user. */
    scoresReadable: boolean;
}

export type TrendDirection = "up" | "down" | "flat" | "none";

export interface RiskTrend {
    direction: TrendDirection;
    /** Absolute change in percentage points, rounded to whole points. */
    points: number;
}

export type ScoreState =
    | { kind: "optOut" }
    | { kind: "noAccess" }
    | { kind: "notScored" }
    | {
          kind: "scored";
          churnProbability: number;
          riskBand: number | null;
          trend: RiskTrend;
          clv12m: number | null;
          clv36m: number | null;
          pAlive: number | null;
          reasons: string[];
          earlyWarningLevel: number | null;
          scoredOn: Date | null;
          modelVersion: string | null;
          /** Whole days since scoring when older than the staleness limit, otherwise null. */
          staleDays: number | null;
      };

/** What the contact read adds: reasons as codes, the five-second-read context, value segment and uplift group. */
export interface ContactDetails {
    details: ReasonDetails | null;
    valueSegment: number | null;
    /** True when the customer is in this period's control group: no retention offer is made. */
    controlGroup: boolean;
}

export interface OfferRecommendation {
    recommendationId: string;
    offerId: string | null;
    name: string;
    offerType: number | null;
    rank: number;
    acceptanceProbability: number | null;
    expectedValue: number | null;
    reason: string;
    talkingPoint: Phrase | null;
    /** Churn risk now minus churn risk if accepted (uplift model); null when not computed. */
    churnReduction: number | null;
    status: number;
    respondedOn: Date | null;
    channel: number | null;
}

export interface RetentionAlert {
    alertId: string;
    level: number;
    signals: string[];
    sentiment: number | null;
    dueBy: Date | null;
    status: number;
    feedback: number | null;
}

export type OfferResponse = "accepted" | "declined";
export type AlertAction = "acknowledge" | "valid" | "falseAlarm";
