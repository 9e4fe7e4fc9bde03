// Display formatting goes through the platform's formatting API (user locale, number and currency settings);
// these helpers only decide precision and composition.

/** The part of context.formatting the control uses. */
export interface Formatter {
    formatCurrency(value: number, precision?: number, symbol?: string): string;
    formatDecimal(value: number, precision?: number): string;
    formatDateShort(value: Date, includeTime?: boolean): string;
}

/** Whole percentages: agents compare bands, not decimals, and "42%" reads faster than "0.4213". */
export function formatPercent(formatter: Formatter, probability: number): string {
    return `${formatter.formatDecimal(Math.round(probability * 100), 0)}%`;
}

/** Customer value is an estimate: cents would suggest a precision the model does not have. */
export function formatMoney(formatter: Formatter, value: number, currencySymbol: string | undefined): string {
    return formatter.formatCurrency(Math.round(value), 0, currencySymbol);
}

export function formatSentiment(formatter: Formatter, sentiment: number): string {
    const text = formatter.formatDecimal(Math.abs(sentiment), 2);
    return sentiment > 0 ? `+${text}` : sentiment < 0 ? `−${text}` : text;
}

export function formatDateTime(formatter: Formatter, value: Date): string {
    return formatter.formatDateShort(value, true);
}
