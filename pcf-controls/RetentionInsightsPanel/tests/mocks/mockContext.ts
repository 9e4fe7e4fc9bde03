import { webDarkTheme, type Theme } from "@fluentui/react-components";
import type { BoundParameters, PanelContext } from "../../RetentionInsightsPanel/mapping/contextProps";
import type { WebApiPort } from "../../RetentionInsightsPanel/data/retentionDataService";
import type { WebApiRow } from "../../RetentionInsightsPanel/mapping/webApiRows";
import { readResx } from "./resx";

export const CONTACT_ID = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b";
export const NOW = new Date("2026-11-20T10:00:00Z");

/** Deterministic en-GB style formatting, so assertions do not depend on the machine's ICU data. */
export const mockFormatter = {
    formatCurrency: (value: number, precision = 2, symbol = "") => `${value < 0 ? "-" : ""}${symbol}${groupThousands(Math.abs(value).toFixed(precision))}`,
    formatDecimal: (value: number, precision = 2) => groupThousands(value.toFixed(precision)),
    formatDateShort: (value: Date, includeTime?: boolean) => (includeTime ? value.toISOString().slice(0, 16).replace("T", " ") : value.toISOString().slice(0, 10)),
};

function groupThousands(text: string): string {
    const [whole, fraction] = text.split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

export interface RecordedUpdate {
    entityType: string;
    id: string;
    data: WebApiRow;
}

/** A webAPI whose answers are set per table; it records every call. */
export class MockWebApi implements WebApiPort {
    public readonly queries: { entityType: string; options?: string }[] = [];
    public readonly updates: RecordedUpdate[] = [];
    public rows: Record<string, WebApiRow[]> = { rtn_offerrecommendation: [], rtn_retentionalert: [] };
    /** The contact row retrieveRecord returns (reason details, value segment, retention group). */
    public contact: WebApiRow = {};
    /** Answered recommendations, returned for the past-responses query. */
    public pastRows: WebApiRow[] = [];
    public failReads = 0;
    public failUpdates = 0;
    public pending: (() => void)[] = [];
    public holdReads = false;

    public retrieveMultipleRecords(entityType: string, options?: string): Promise<{ entities: WebApiRow[] }> {
        this.queries.push({ entityType, options });
        const answer = (): Promise<{ entities: WebApiRow[] }> => {
            if (this.failReads > 0) {
                this.failReads -= 1;
                return Promise.reject(new Error("503 Service Unavailable"));
            }
            const past = entityType === "rtn_offerrecommendation" && (options ?? "").includes(" or ");
            return Promise.resolve({ entities: past ? this.pastRows : (this.rows[entityType] ?? []) });
        };
        if (!this.holdReads) return answer();
        return new Promise((resolve, reject) => this.pending.push(() => answer().then(resolve, reject)));
    }

    public retrieveRecord(entityType: string, id: string, options?: string): Promise<WebApiRow> {
        this.queries.push({ entityType, options: `${id}${options ?? ""}` });
        return Promise.resolve(this.contact);
    }

    public updateRecord(entityType: string, id: string, data: WebApiRow): Promise<unknown> {
        this.updates.push({ entityType, id, data });
        if (this.failUpdates > 0) {
            this.failUpdates -= 1;
            return Promise.reject(new Error("Privilege check failed"));
        }
        return Promise.resolve({ id, entityType });
    }

    public releaseAll(): void {
        const waiting = this.pending.splice(0);
        waiting.forEach((release) => release());
    }
}

export interface MockContextOptions {
    values?: Partial<Record<keyof BoundParameters, unknown>>;
    webApi?: MockWebApi;
    language?: 1033 | 1043;
    contactId?: string | null;
    disabled?: boolean;
    theme?: Theme | "dark";
    /** Column security hides the score columns. */
    scoresHidden?: boolean;
}

export const scoredValues: Partial<Record<keyof BoundParameters, unknown>> = {
    rtn_churnprobability: 0.7342,
    rtn_previouschurnprobability: 0.6118,
    rtn_churnriskband: 471500002,
    rtn_clv12m: 1240.5,
    rtn_clv36m: 3180.25,
    rtn_palive: 0.82,
    rtn_churnreasons: "Fixed-term contract ends in 26 days\n2 complaints in the last 90 days\n\nLast 3 invoices paid late",
    rtn_earlywarninglevel: 471500003,
    rtn_scoredon: new Date("2026-11-18T06:00:00Z"),
    rtn_modelversion: "churn-lgbm-2026.11.16",
    rtn_profilingoptout: false,
};

/** A context shaped like the one a model-driven form passes to a virtual control. */
export function createMockContext(options: MockContextOptions = {}): PanelContext & { webAPI: MockWebApi } {
    const strings = readResx(options.language ?? 1033);
    const values = options.values ?? scoredValues;
    const parameters: BoundParameters = {};
    for (const [name, raw] of Object.entries(values)) {
        (parameters as Record<string, { raw: unknown; security?: { readable: boolean } }>)[name] = options.scoresHidden ? { raw: null, security: { readable: false } } : { raw };
    }
    return {
        parameters,
        webAPI: options.webApi ?? new MockWebApi(),
        formatting: mockFormatter,
        resources: { getString: (key: string) => strings[key] ?? "" },
        userSettings: { numberFormattingInfo: { currencySymbol: "€" } },
        mode: { isControlDisabled: options.disabled ?? false, contextInfo: { entityId: options.contactId === undefined ? `{${CONTACT_ID.toUpperCase()}}` : options.contactId } },
        fluentDesignLanguage: options.theme === "dark" ? { tokenTheme: webDarkTheme } : options.theme ? { tokenTheme: options.theme } : undefined,
    };
}

export function offerRow(rank: number, overrides: WebApiRow = {}): WebApiRow {
    const names = ["Loyalty discount 10%", "Fixed price 3 years", "Payment plan", "Green upgrade"];
    return {
        rtn_offerrecommendationid: `a0c3e5f7-0000-4000-8000-00000000000${rank}`,
        rtn_rank: rank,
        rtn_acceptanceprobability: [0.46, 0.31, 0.22, 0.1][rank - 1],
        rtn_expectedvalue: [388.9, 214.4, 96, 12][rank - 1],
        rtn_reason: `Reason for offer ${rank}`,
        rtn_status: 471500000,
        _rtn_offerid_value: `b1d4f6a8-0000-4000-8000-00000000000${rank}`,
        rtn_offerid: { rtn_offerid: `b1d4f6a8-0000-4000-8000-00000000000${rank}`, rtn_name: names[rank - 1], rtn_offertype: 471500000 + rank - 1 },
        ...overrides,
    };
}

export function alertRow(overrides: WebApiRow = {}): WebApiRow {
    return {
        rtn_retentionalertid: "c2e5a7b9-0000-4000-8000-000000000001",
        rtn_level: 471500003,
        rtn_signals: "Two complaints about the annual bill in 14 days\nNegative tone in the last three emails",
        rtn_sentiment: -0.62,
        rtn_dueby: "2026-11-21T10:00:00Z",
        rtn_status: 471500000,
        ...overrides,
    };
}
