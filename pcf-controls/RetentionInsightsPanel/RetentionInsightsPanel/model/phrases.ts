// Renders catalogue phrases (codes + numeric parameters) in the agent's language. The catalogue is generated from the
// engine's phrases.json, so the panel says exactly what the engine's text columns say, in either language.
import { PHRASES } from "./phrases.generated";

export type PhraseSection = "reasons" | "talkingPoints" | "signals";
export type PhraseLanguage = "en" | "nl";
export interface Phrase {
    code: string;
    params: Record<string, number>;
}

type PluralForms = { by: string; zero?: string; one?: string; other: string };
type Template = string | PluralForms;
type Entry = { en: Template; nl: Template };

export function phraseLanguage(language: string): PhraseLanguage {
    return language.toLowerCase().startsWith("nl") ? "nl" : "en";
}

export function hasPhrase(section: PhraseSection, code: string): boolean {
    return Object.prototype.hasOwnProperty.call(PHRASES[section], code);
}

/** Whole numbers as such, others with one decimal; Dutch uses a decimal comma (same rule as the engine). */
export function formatPhraseNumber(value: number, language: PhraseLanguage): string {
    const text = String(Math.round(value * 10) / 10);
    return language === "nl" ? text.replace(".", ",") : text;
}

/** The phrase in the given language, or null for a code this version of the control does not know. */
export function renderPhrase(section: PhraseSection, phrase: Phrase, language: PhraseLanguage): string | null {
    if (!hasPhrase(section, phrase.code)) {
        return null;
    }
    const entry = (PHRASES[section] as unknown as Record<string, Entry>)[phrase.code];
    const template = entry[language];
    let text: string;
    if (typeof template === "string") {
        text = template;
    } else {
        const n = phrase.params[template.by];
        if (n === undefined) {
            return null;
        }
        text = n === 0 && template.zero !== undefined ? template.zero : n === 1 && template.one !== undefined ? template.one : template.other;
    }
    let missing = false;
    const filled = text.replace(/\{(\w+)\}/g, (_match, name: string) => {
        const value = phrase.params[name];
        if (value === undefined) {
            missing = true;
            return "";
        }
        return formatPhraseNumber(value, language);
    });
    return missing ? null : filled;
}

/** A phrase from its compact JSON form {"c":code,"p":{…}} (rtn_talkingpoint, entries of rtn_churnreasondetails). */
export function phraseFromJson(value: unknown): Phrase | null {
    if (typeof value !== "object" || value === null) {
        return null;
    }
    const record = value as { c?: unknown; p?: unknown };
    if (typeof record.c !== "string") {
        return null;
    }
    const params: Record<string, number> = {};
    if (typeof record.p === "object" && record.p !== null) {
        for (const [name, raw] of Object.entries(record.p as Record<string, unknown>)) {
            if (typeof raw === "number" && Number.isFinite(raw)) {
                params[name] = raw;
            }
        }
    }
    return { code: record.c, params };
}

export function parseJson(text: string | null | undefined): unknown {
    if (!text) {
        return null;
    }
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return null;
    }
}

/** rtn_churnreasondetails: what the five-second read needs besides the bound columns. */
export interface ReasonDetails {
    horizonDays: number | null;
    baseRate: number | null;
    /** Cut points Medium, High, Critical. */
    bands: [number, number, number] | null;
    tooEarly: boolean;
    reasons: Phrase[];
}

export function parseReasonDetails(text: string | null | undefined): ReasonDetails | null {
    const json = parseJson(text);
    if (typeof json !== "object" || json === null) {
        return null;
    }
    const record = json as { h?: unknown; b?: unknown; bands?: unknown; early?: unknown; r?: unknown };
    const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
    const bands = Array.isArray(record.bands) && record.bands.length === 3 && record.bands.every((b) => num(b) !== null) ? (record.bands as [number, number, number]) : null;
    return {
        horizonDays: num(record.h),
        baseRate: num(record.b),
        bands,
        tooEarly: record.early === true,
        reasons: Array.isArray(record.r) ? record.r.map(phraseFromJson).filter((p): p is Phrase => p !== null && hasPhrase("reasons", p.code)) : [],
    };
}
