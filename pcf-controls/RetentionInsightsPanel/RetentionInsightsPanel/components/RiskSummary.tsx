import * as React from "react";
import { Badge, Card, Tooltip } from "@fluentui/react-components";
import type { ScoreState } from "../model/types";
import type { ReasonDetails } from "../model/phrases";
import type { StringKey, Translate } from "../model/strings";
import { formatMoney, formatPercent, type Formatter } from "../formatting/format";
import { riskBandColor } from "../mapping/visuals";
import { usePanelStyles } from "./styles";

type Scored = Extract<ScoreState, { kind: "scored" }>;

/** The model's horizon when the details column is not there yet (the engine's default). */
export const DEFAULT_HORIZON_DAYS = 90;

export interface RiskSummaryProps {
    score: Scored;
    details: ReasonDetails | null;
    valueSegment: number | null;
    formatter: Formatter;
    currencySymbol?: string;
    t: Translate;
}

/** "3× the average customer": one decimal below 10×, whole numbers above; null without a base rate. */
export function timesAverage(probability: number, baseRate: number | null): number | null {
    if (baseRate === null || baseRate <= 0) {
        return null;
    }
    const ratio = probability / baseRate;
    return ratio >= 10 ? Math.round(ratio) : Math.round(ratio * 10) / 10;
}

export const RiskSummary: React.FC<RiskSummaryProps> = ({ score, details, valueSegment, formatter, currencySymbol, t }) => {
    const styles = usePanelStyles();
    const percent = formatPercent(formatter, score.churnProbability);
    const bandLabel = score.riskBand === null ? null : t(`Band_${score.riskBand}` as StringKey);
    const trendText = trendLabel(score, t);
    const money = (value: number | null): string => (value === null ? t("Value_Unknown") : formatMoney(formatter, value, currencySymbol));
    const horizon = details?.horizonDays ?? DEFAULT_HORIZON_DAYS;
    const ratio = timesAverage(score.churnProbability, details?.baseRate ?? null);
    const bands = details?.bands ?? null;
    const badge = bandLabel && (
        <Badge appearance="filled" color={riskBandColor(score.riskBand)} data-testid="risk-band" tabIndex={bands ? 0 : undefined}>
            {t("Risk_Band", bandLabel)}
        </Badge>
    );
    return (
        <div className={styles.summaryGrid}>
            <Card aria-labelledby="rtn-risk-heading" data-testid="risk-card">
                <h3 id="rtn-risk-heading" className={styles.heading}>
                    {t("Risk_Heading")}
                </h3>
                {details?.tooEarly ? (
                    <div data-testid="too-early">
                        <strong>{t("TooEarly_Title")}</strong>
                        <div className={styles.muted}>{t("TooEarly_Body")}</div>
                    </div>
                ) : (
                    <>
                        <div className={styles.riskRow}>
                            <span className={styles.bigNumber} data-testid="churn-percentage">
                                {percent}
                            </span>
                            <span className={styles.muted} data-testid="chance-to-leave">
                                {t("Risk_ChanceToLeave", horizon)}
                            </span>
                        </div>
                        <div className={styles.riskRow}>
                            {bands && badge ? (
                                <Tooltip
                                    relationship="description"
                                    content={t("Risk_BandThresholds", formatPercent(formatter, bands[0]), formatPercent(formatter, bands[1]), formatPercent(formatter, bands[2]))}
                                >
                                    {badge}
                                </Tooltip>
                            ) : (
                                badge
                            )}
                            {ratio !== null && (
                                <span data-testid="times-average">{ratio >= 1 ? t("Risk_TimesAverage", formatter.formatDecimal(ratio, ratio >= 10 || Number.isInteger(ratio) ? 0 : 1)) : t("Risk_BelowAverage")}</span>
                            )}
                        </div>
                        <span
                            data-testid="risk-trend"
                            className={score.trend.direction === "up" ? styles.trendUp : score.trend.direction === "down" ? styles.trendDown : styles.muted}
                        >
                            <span aria-hidden="true">{trendArrow(score.trend.direction)} </span>
                            {trendText}
                        </span>
                    </>
                )}
            </Card>
            <Card aria-labelledby="rtn-value-heading" data-testid="value-card">
                <div className={styles.riskRow}>
                    <h3 id="rtn-value-heading" className={styles.heading}>
                        {t("Value_Heading")}
                    </h3>
                    {valueSegment !== null && (
                        <Badge appearance="tint" color="brand" data-testid="value-segment">
                            {t("Value_Segment", t(`Segment_${valueSegment}` as StringKey))}
                        </Badge>
                    )}
                </div>
                <dl className={styles.valueList}>
                    <dt className={styles.valueTerm}>{t("Value_12m")}</dt>
                    <dd className={styles.valueData} data-testid="clv-12m">
                        {money(score.clv12m)}
                    </dd>
                    <dt className={styles.valueTerm}>{t("Value_36m")}</dt>
                    <dd className={styles.valueData} data-testid="clv-36m">
                        {money(score.clv36m)}
                    </dd>
                    {/* No P(alive) for contract customers: the engine leaves it empty, and "still active" beside a churn risk confuses. */}
                    {score.pAlive !== null && (
                        <>
                            <dt className={styles.valueTerm}>{t("Value_PAlive")}</dt>
                            <dd className={styles.valueData} data-testid="p-alive">
                                {formatPercent(formatter, score.pAlive)}
                            </dd>
                        </>
                    )}
                </dl>
            </Card>
        </div>
    );
};

function trendLabel(score: Scored, t: Translate): string {
    switch (score.trend.direction) {
        case "up":
            return t("Trend_Up", score.trend.points);
        case "down":
            return t("Trend_Down", score.trend.points);
        case "flat":
            return t("Trend_Flat");
        default:
            return t("Trend_None");
    }
}

function trendArrow(direction: Scored["trend"]["direction"]): string {
    return direction === "up" ? "▲" : direction === "down" ? "▼" : "•";
}
