import * as React from "react";
import { Badge, Card } from "@fluentui/react-components";
import type { ScoreState } from "../model/types";
import type { StringKey, Translate } from "../model/strings";
import { formatMoney, formatPercent, type Formatter } from "../formatting/format";
import { riskBandColor } from "../mapping/visuals";
import { usePanelStyles } from "./styles";

type Scored = Extract<ScoreState, { kind: "scored" }>;

export interface RiskSummaryProps {
    score: Scored;
    formatter: Formatter;
    currencySymbol?: string;
    t: Translate;
}

export const RiskSummary: React.FC<RiskSummaryProps> = ({ score, formatter, currencySymbol, t }) => {
    const styles = usePanelStyles();
    const percent = formatPercent(formatter, score.churnProbability);
    const bandLabel = score.riskBand === null ? null : t(`Band_${score.riskBand}` as StringKey);
    const trendText = trendLabel(score, t);
    const money = (value: number | null): string => (value === null ? t("Value_Unknown") : formatMoney(formatter, value, currencySymbol));
    return (
        <div className={styles.summaryGrid}>
            <Card aria-labelledby="rtn-risk-heading" data-testid="risk-card">
                <h3 id="rtn-risk-heading" className={styles.heading}>
                    {t("Risk_Heading")}
                </h3>
                <div className={styles.riskRow}>
                    <span className={styles.bigNumber} data-testid="churn-percentage">
                        {percent}
                    </span>
                    <span className={styles.muted}>{t("Risk_ChanceToLeave")}</span>
                    {bandLabel && (
                        <Badge appearance="filled" color={riskBandColor(score.riskBand)} data-testid="risk-band">
                            {t("Risk_Band", bandLabel)}
                        </Badge>
                    )}
                </div>
                <span
                    data-testid="risk-trend"
                    className={score.trend.direction === "up" ? styles.trendUp : score.trend.direction === "down" ? styles.trendDown : styles.muted}
                >
                    <span aria-hidden="true">{trendArrow(score.trend.direction)} </span>
                    {trendText}
                </span>
            </Card>
            <Card aria-labelledby="rtn-value-heading" data-testid="value-card">
                <h3 id="rtn-value-heading" className={styles.heading}>
                    {t("Value_Heading")}
                </h3>
                <dl className={styles.valueList}>
                    <dt className={styles.valueTerm}>{t("Value_12m")}</dt>
                    <dd className={styles.valueData} data-testid="clv-12m">
                        {money(score.clv12m)}
                    </dd>
                    <dt className={styles.valueTerm}>{t("Value_36m")}</dt>
                    <dd className={styles.valueData} data-testid="clv-36m">
                        {money(score.clv36m)}
                    </dd>
                    <dt className={styles.valueTerm}>{t("Value_PAlive")}</dt>
                    <dd className={styles.valueData} data-testid="p-alive">
                        {score.pAlive === null ? t("Value_Unknown") : formatPercent(formatter, score.pAlive)}
                    </dd>
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
