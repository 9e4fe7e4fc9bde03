import {
    AlertStatus,
    Channel,
    OfferColumns,
    OfferRecommendationColumns as Rec,
    RecommendationStatus,
    RetentionAlertColumns as Alert,
    Tables,
    lookupValue,
} from "../model/names";
import type { OfferRecommendation, OfferResponse, RetentionAlert } from "../model/types";
import { MAX_OFFERS, mapAlertRow, mapOfferRows, type WebApiRow } from "../mapping/webApiRows";

/** The part of context.webAPI the control uses; the harness and the tests provide their own. */
export interface WebApiPort {
    retrieveMultipleRecords(entityType: string, options?: string, maxPageSize?: number): Promise<{ entities: WebApiRow[] }>;
    updateRecord(entityType: string, id: string, data: WebApiRow): Promise<unknown>;
}

export interface RetentionData {
    offers: OfferRecommendation[];
    alert: RetentionAlert | null;
}

/** Dataverse ids arrive as "{GUID}" from the form context and bare from the Web API; OData wants them bare. */
export function normaliseId(id: string): string {
    const bare = id.replace(/[{}]/g, "").toLowerCase();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(bare)) {
        throw new Error("Not a record id");
    }
    return bare;
}

export function offersQuery(contactId: string): string {
    const select = [Rec.id, Rec.rank, Rec.acceptanceProbability, Rec.expectedValue, Rec.reason, Rec.status, lookupValue(Rec.offer)].join(",");
    return (
        `?$select=${select}` +
        `&$filter=${lookupValue(Rec.contact)} eq ${normaliseId(contactId)} and ${Rec.status} eq ${RecommendationStatus.Proposed}` +
        `&$orderby=${Rec.rank} asc&$top=${MAX_OFFERS}` +
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
    const [offerResult, alertResult] = await Promise.all([
        webApi.retrieveMultipleRecords(Tables.offerRecommendation, offersQuery(contactId)),
        webApi.retrieveMultipleRecords(Tables.retentionAlert, alertQuery(contactId)),
    ]);
    return { offers: mapOfferRows(offerResult.entities), alert: mapAlertRow(alertResult.entities[0]) };
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
