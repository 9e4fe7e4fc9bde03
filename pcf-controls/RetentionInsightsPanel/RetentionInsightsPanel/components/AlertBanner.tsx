import * as React from "react";
import { Badge, MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import type { RetentionAlert } from "../model/types";
import type { StringKey, Translate } from "../model/strings";
import { formatDateTime, formatSentiment, type Formatter } from "../formatting/format";
import { alertIntent, alertLevelColor } from "../mapping/visuals";
import { signalsInLanguage } from "../mapping/webApiRows";
import { usePanelStyles } from "./styles";

export interface AlertBannerProps {
    alert: RetentionAlert;
    formatter: Formatter;
    t: Translate;
}

export const AlertBanner: React.FC<AlertBannerProps> = ({ alert, formatter, t }) => {
    const styles = usePanelStyles();
    const intent = alertIntent(alert.level);
    if (intent === null) {
        return null;
    }
    const levelLabel = t(`Level_${alert.level}` as StringKey);
    const signals = signalsInLanguage(alert.signals, t("Alert_SignalsLanguage"));
    return (
        <MessageBar intent={intent} layout="multiline" data-testid="alert-banner">
            <MessageBarBody>
                <MessageBarTitle>
                    <Badge appearance="filled" color={alertLevelColor(alert.level)} shape="rounded">
                        {levelLabel}
                    </Badge>{" "}
                    {t("Alert_Title", levelLabel)}
                </MessageBarTitle>
                {alert.dueBy && <span data-testid="alert-due">{t("Alert_DueBy", formatDateTime(formatter, alert.dueBy))}</span>}
                {alert.sentiment !== null && <span> · {t("Alert_Sentiment", formatSentiment(formatter, alert.sentiment))}</span>}
                {signals.length > 0 && (
                    <ul className={styles.signals} data-testid="alert-signals">
                        {signals.map((signal, index) => (
                            <li key={index}>{signal}</li>
                        ))}
                    </ul>
                )}
            </MessageBarBody>
        </MessageBar>
    );
};
