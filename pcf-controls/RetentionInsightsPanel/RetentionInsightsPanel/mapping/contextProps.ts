import { webLightTheme, type Theme } from "@fluentui/react-components";
import type { ContactColumns } from "../model/names";
import type { ContactScoreInput } from "../model/types";
import { createTranslate } from "../model/strings";
import type { RetentionPanelProps } from "../components/RetentionPanel";

/** A bound property as the platform passes it; only raw values are read, display text comes from our formatting. */
export interface BoundProperty<T> {
    raw: T | null;
    /** Column security of the bound column, as the form reports it. */
    security?: { readable?: boolean };
}

export type BoundParameters = { [K in (typeof ContactColumns)[keyof typeof ContactColumns]]?: BoundProperty<unknown> };

/** The slice of ComponentFramework.Context the control reads, so the mapping is testable with a plain object. */
export interface PanelContext {
    parameters: BoundParameters;
    webAPI: RetentionPanelProps["webApi"];
    formatting: RetentionPanelProps["formatter"];
    resources: { getString(id: string): string };
    userSettings: { numberFormattingInfo?: { currencySymbol?: string } };
    mode: { isControlDisabled: boolean; contextInfo?: { entityId?: string | null } };
    fluentDesignLanguage?: { tokenTheme?: Theme };
}

export function mapScoreInput(parameters: BoundParameters): ContactScoreInput {
    return {
        churnProbability: asNumber(parameters.rtn_churnprobability?.raw),
        previousChurnProbability: asNumber(parameters.rtn_previouschurnprobability?.raw),
        riskBand: asNumber(parameters.rtn_churnriskband?.raw),
        clv12m: asNumber(parameters.rtn_clv12m?.raw),
        clv36m: asNumber(parameters.rtn_clv36m?.raw),
        pAlive: asNumber(parameters.rtn_palive?.raw),
        churnReasons: asText(parameters.rtn_churnreasons?.raw),
        earlyWarningLevel: asNumber(parameters.rtn_earlywarninglevel?.raw),
        scoredOn: asDate(parameters.rtn_scoredon?.raw),
        modelVersion: asText(parameters.rtn_modelversion?.raw),
        profilingOptOut: parameters.rtn_profilingoptout?.raw === true,
        scoresReadable: parameters.rtn_churnprobability?.security?.readable !== false,
    };
}

export function mapContextToProps(context: PanelContext, now: () => Date): RetentionPanelProps {
    const entityId = context.mode.contextInfo?.entityId;
    return {
        contactId: entityId ? entityId : null,
        score: mapScoreInput(context.parameters),
        webApi: context.webAPI,
        formatter: context.formatting,
        currencySymbol: context.userSettings.numberFormattingInfo?.currencySymbol,
        t: createTranslate((key) => context.resources.getString(key)),
        theme: context.fluentDesignLanguage?.tokenTheme ?? webLightTheme,
        now,
        readOnly: context.mode.isControlDisabled,
    };
}

function asNumber(value: unknown): number | null {
    return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function asText(value: unknown): string | null {
    return typeof value === "string" && value.trim().length > 0 ? value : null;
}

function asDate(value: unknown): Date | null {
    const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
    return date && !Number.isNaN(date.getTime()) ? date : null;
}
