import { EarlyWarningLevel, RiskBand } from "../model/names";

export type BadgeColor = "success" | "warning" | "severe" | "danger" | "informative";
export type BannerIntent = "info" | "warning" | "error";

/** Band colours follow the Fluent status palette so they adapt to light, dark and high-contrast themes. */
export function riskBandColor(band: number | null): BadgeColor {
    switch (band) {
        case RiskBand.Low:
            return "success";
        case RiskBand.Medium:
            return "warning";
        case RiskBand.High:
            return "severe";
        case RiskBand.Critical:
            return "danger";
        default:
            return "informative";
    }
}

/** "None" alerts are not worth a banner; red is the only level that interrupts with an error style. */
export function alertIntent(level: number): BannerIntent | null {
    switch (level) {
        case EarlyWarningLevel.Yellow:
        case EarlyWarningLevel.Orange:
            return "warning";
        case EarlyWarningLevel.Red:
            return "error";
        default:
            return null;
    }
}

/** The level badge inside the banner keeps yellow and orange apart, since both use the warning banner. */
export function alertLevelColor(level: number): BadgeColor {
    switch (level) {
        case EarlyWarningLevel.Yellow:
            return "warning";
        case EarlyWarningLevel.Orange:
            return "severe";
        case EarlyWarningLevel.Red:
            return "danger";
        default:
            return "informative";
    }
}
