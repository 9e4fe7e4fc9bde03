import {
    ContactDetailColumns,
    OfferColumns,
    OfferRecommendationColumns as Rec,
    RecommendationStatus,
    RetentionAlertColumns as Alert,
    RetentionGroup,
    UpliftColumns,
    lookupValue,
} from "../model/names";
import { parseJson, parseReasonDetails, phraseFromJson } from "../model/phrases";
import type { ContactDetails, OfferRecommendation, RetentionAlert } from "../model/types";
import { parseLines } from "./contactScore";

export const MAX_PAST_RESPONSES = 5;

/** A Web API row: columns by logical name, lookups as "_x_value", expanded navigation properties as nested objects. */
export type WebApiRow = Record<string, unknown>;

export const MAX_OFFERS = 3;

/** Proposed recommendations, best rank first, at most three; rows without an id cannot be answered and are dropped. */
export function mapOfferRows(rows: readonly WebApiRow[]): OfferRecommendation[] {
    return rows
        .map(mapOfferRow)
        .filter((offer): offer is OfferRecommendation => offer !== null && offer.status === RecommendationStatus.Proposed)
        .sort((a, b) => a.rank - b.rank)
        .slice(0, MAX_OFFERS);
}

/** Answered recommendations (accepted or declined), newest first: what this customer said to earlier offers. */
export function mapPastResponses(rows: readonly WebApiRow[]): OfferRecommendation[] {
    return rows
        .map(mapOfferRow)
        .filter(
            (offer): offer is OfferRecommendation =>
                offer !== null && offer.respondedOn !== null && (offer.status === RecommendationStatus.Accepted || offer.status === RecommendationStatus.Declined),
        )
        .sort((a, b) => (b.respondedOn?.getTime() ?? 0) - (a.respondedOn?.getTime() ?? 0))
        .slice(0, MAX_PAST_RESPONSES);
}

/** The contact row read by the control: reason details, value segment and (once the uplift model runs) the retention group. */
export function mapContactDetails(row: WebApiRow | null | undefined): ContactDetails {
    if (!row) {
        return { details: null, valueSegment: null, controlGroup: false };
    }
    const group = row[UpliftColumns.retentionGroup];
    return {
        details: parseReasonDetails(asString(row[ContactDetailColumns.churnReasonDetails])),
        valueSegment: asNumber(row[ContactDetailColumns.valueSegment]),
        controlGroup: group === RetentionGroup.Control || (typeof group === "string" && group.toLowerCase() === "control"),
    };
}

export function mapOfferRow(row: WebApiRow): OfferRecommendation | null {
    const recommendationId = asString(row[Rec.id]);
    if (!recommendationId) {
        return null;
    }
    const offer = asObject(row[Rec.offer]);
    return {
        recommendationId,
        offerId: asString(row[lookupValue(Rec.offer)]) ?? (offer ? asString(offer[OfferColumns.id]) : null),
        name: (offer ? asString(offer[OfferColumns.name]) : null) ?? asString(row["rtn_name"]) ?? "",
        offerType: offer ? asNumber(offer[OfferColumns.offerType]) : null,
        rank: asNumber(row[Rec.rank]) ?? Number.MAX_SAFE_INTEGER,
        acceptanceProbability: asNumber(row[Rec.acceptanceProbability]),
        expectedValue: asNumber(row[Rec.expectedValue]),
        reason: asString(row[Rec.reason]) ?? "",
        talkingPoint: phraseFromJson(parseJson(asString(row[Rec.talkingPoint]))),
        churnReduction: asNumber(row[UpliftColumns.churnReduction]),
        status: asNumber(row[Rec.status]) ?? RecommendationStatus.Proposed,
        respondedOn: asDate(row[Rec.respondedOn]),
        channel: asNumber(row[Rec.channel]),
    };
}

export function mapAlertRow(row: WebApiRow | undefined): RetentionAlert | null {
    if (!row) {
        return null;
    }
    const alertId = asString(row[Alert.id]);
    const level = asNumber(row[Alert.level]);
    if (!alertId || level === null) {
        return null;
    }
    const dueBy = asString(row[Alert.dueBy]);
    const due = dueBy ? new Date(dueBy) : null;
    return {
        alertId,
        level,
        signals: parseLines(asString(row[Alert.signals])),
        sentiment: asNumber(row[Alert.sentiment]),
        dueBy: due && !Number.isNaN(due.getTime()) ? due : null,
        status: asNumber(row[Alert.status]) ?? 0,
        feedback: asNumber(row[Alert.feedback]),
    };
}

function asDate(value: unknown): Date | null {
    const date = typeof value === "string" && value.length > 0 ? new Date(value) : null;
    return date && !Number.isNaN(date.getTime()) ? date : null;
}

function asString(value: unknown): string | null {
    return typeof value === "string" && value.length > 0 ? value : null;
}

// The Web API returns decimals as numbers, but money and some gateways serialise them as strings.
function asNumber(value: unknown): number | null {
    if (typeof value === "number") {
        return Number.isFinite(value) ? value : null;
    }
    if (typeof value === "string" && value.trim() !== "") {
        const parsed = Number(value);
        return Number.isFinite(parsed) ? parsed : null;
    }
    return null;
}

function asObject(value: unknown): WebApiRow | null {
    return typeof value === "object" && value !== null ? (value as WebApiRow) : null;
}

/** The line that separates the English from the Dutch signal lines in rtn_signals. */
export const SIGNALS_LANGUAGE_SEPARATOR = "\u2014";

/**
 * rtn_signals holds every signal in English, a separator line, then in Dutch, because the service does not know who will
 * read it. The agent sees only the half in the language of the control's own resources ("en" or "nl").
 */
export function signalsInLanguage(lines: readonly string[], language: string): string[] {
    const separator = lines.indexOf(SIGNALS_LANGUAGE_SEPARATOR);
    if (separator < 0) {
        return [...lines];
    }
    const half = language.toLowerCase().startsWith("nl") ? lines.slice(separator + 1) : lines.slice(0, separator);
    return half.length > 0 ? half : lines.filter((line) => line !== SIGNALS_LANGUAGE_SEPARATOR);
}
