import {
    AlertFeedback,
    AlertStatus,
    Channel,
    OfferColumns,
    OfferRecommendationColumns as Rec,
    RecommendationStatus,
    RetentionAlertColumns as Alert,
    Tables,
    lookupValue,
} from "../model/names";
import type { AlertAction, ContactDetails, OfferRecommendation, OfferResponse, RetentionAlert } from "../model/types";
import { MAX_OFFERS, MAX_PAST_RESPONSES, mapAlertRow, mapContactDetails, mapOfferRows, mapPastResponses, type WebApiRow } from "../mapping/webApiRows";

/** The part of context.webAPI the control uses; the harness and the tests provide their own. */
export interface WebApiPort {
    retrieveMultipleRecords(entityType: string, options?: string, maxPageSize?: number): Promise<{ entities: WebApiRow[] }>;
    updateRecord(entityType: string, id: string, data: WebApiRow): Promise<unknown>;
    retrieveRecord(entityType: string, id: string, options?: string): Promise<WebApiRow>;
}

export interface RetentionData {
    offers: OfferRecommendation[];
    pastResponses: OfferRecommendation[];
    alert: RetentionAlert | null;
    contact: ContactDetails;
}

/** Dataverse ids arrive as "{GUID}" from the form context and bare from the Web API; OData wants them bare. */
export function normaliseId(id: string): string {
    const bare = id.replace(/[{}]/g, "").toLowerCase();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(bare)) {
        throw new Error("Not a record id");
    }
    return bare;
}

// No $select on recommendations: the rows are few, and full rows carry the uplift model's churn reduction in
// environments that have it without failing in those that do not yet.
export function offersQuery(contactId: string): string {
    return (
        `?$filter=${lookupValue(Rec.contact)} eq ${normaliseId(contactId)} and ${Rec.status} eq ${RecommendationStatus.Proposed}` +
        `&$orderby=${Rec.rank} asc&$top=${MAX_OFFERS}` +
        `&$expand=${Rec.offer}($select=${OfferColumns.name},${OfferColumns.offerType})`
    );
}

export function pastResponsesQuery(contactId: string): string {
    return (
        `?$filter=${lookupValue(Rec.contact)} eq ${normaliseId(contactId)} and (${Rec.status} eq ${RecommendationStatus.Accepted} or ${Rec.status} eq ${RecommendationStatus.Declined})` +
        `&$orderby=${Rec.respondedOn} desc&$top=${MAX_PAST_RESPONSES}` +
        `&$expand=${Rec.offer}($select=${OfferColumns.name},${OfferColumns.offerType})`
    );
}

export function alertQuery(contactId: string): string {
    return (
        `?$filter=${lookupValue(Alert.contact)} eq ${normaliseId(contactId)} and ${Alert.status} ne ${AlertStatus.Resolved}` +
        `&$orderby=${Alert.createdOn} desc&$top=1`
    );
}

export async function loadRetentionData(webApi: WebApiPort, contactId: string): Promise<RetentionData> {
    const [offerResult, pastResult, alertResult, contactRow] = await Promise.all([
        webApi.retrieveMultipleRecords(Tables.offerRecommendation, offersQuery(contactId)),
        webApi.retrieveMultipleRecords(Tables.offerRecommendation, pastResponsesQuery(contactId)),
        webApi.retrieveMultipleRecords(Tables.retentionAlert, alertQuery(contactId)),
        // Full row: column security returns hidden columns as null, and the uplift columns may not exist yet.
        webApi.retrieveRecord(Tables.contact, normaliseId(contactId)),
    ]);
    return {
        offers: mapOfferRows(offerResult.entities),
        pastResponses: mapPastResponses(pastResult.entities),
        alert: mapAlertRow(alertResult.entities[0]),
        contact: mapContactDetails(contactRow),
    };
}

/**
 * What each alert action writes to rtn_retentionalert: acknowledging puts it in progress; valid / false-alarm feedback
 * resolves it and is what the early-warning tuning counts.
 */
export function alertUpdate(action: AlertAction, now: Date): WebApiRow {
    if (action === "acknowledge") {
        return { [Alert.status]: AlertStatus.InProgress };
    }
    return {
        [Alert.feedback]: action === "valid" ? AlertFeedback.Valid : AlertFeedback.FalseAlarm,
        [Alert.status]: AlertStatus.Resolved,
        [Alert.resolvedOn]: now.toISOString(),
    };
}

export async function actOnAlert(webApi: WebApiPort, alertId: string, action: AlertAction, now: Date): Promise<WebApiRow> {
    const update = alertUpdate(action, now);
    await webApi.updateRecord(Tables.retentionAlert, normaliseId(alertId), update);
    return update;
}

/** The status change fires the feedback plug-in, which stores the response for the next training run. */
export function responseUpdate(response: OfferResponse, now: Date): WebApiRow {
    return {
        [Rec.status]: response === "accepted" ? RecommendationStatus.Accepted : RecommendationStatus.Declined,
        [Rec.respondedOn]: now.toISOString(),
        [Rec.channel]: Channel.Phone,
    };
}

export async function respondToOffer(webApi: WebApiPort, recommendationId: string, response: OfferResponse, now: Date): Promise<number> {
    const update = responseUpdate(response, now);
    await webApi.updateRecord(Tables.offerRecommendation, normaliseId(recommendationId), update);
    return update[Rec.status] as number;
}
