import * as React from "react";
import { Badge, Button, MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { AlertFeedback, AlertStatus } from "../model/names";
import type { AlertAction, RetentionAlert } from "../model/types";
import type { StringKey, Translate } from "../model/strings";
import { formatDateTime, formatSentiment, type Formatter } from "../formatting/format";
import { alertIntent, alertLevelColor } from "../mapping/visuals";
import { signalsInLanguage } from "../mapping/webApiRows";
import { usePanelStyles } from "./styles";

export type AlertActionState = { kind: "idle" } | { kind: "saving" } | { kind: "saved"; action: AlertAction } | { kind: "failed" };

export interface AlertBannerProps {
    alert: RetentionAlert;
    now: Date;
    actionState: AlertActionState;
    readOnly: boolean;
    onAction: (action: AlertAction) => void;
    formatter: Formatter;
    t: Translate;
}

export const AlertBanner: React.FC<AlertBannerProps> = ({ alert, now, actionState, readOnly, onAction, formatter, t }) => {
    const styles = usePanelStyles();
    const intent = alertIntent(alert.level);
    if (intent === null) {
        return null;
    }
    const levelLabel = t(`Level_${alert.level}` as StringKey);
    const language = t("Alert_SignalsLanguage");
    const signals = signalsInLanguage(alert.signals, language);
    const overdue = alert.dueBy !== null && alert.dueBy.getTime() < now.getTime() && alert.status !== AlertStatus.Resolved;
    const acknowledged = alert.status === AlertStatus.InProgress || (actionState.kind === "saved" && actionState.action === "acknowledge");
    const feedbackGiven = actionState.kind === "saved" && actionState.action !== "acknowledge" ? actionState.action : alert.feedback === AlertFeedback.Valid ? "valid" : alert.feedback === AlertFeedback.FalseAlarm ? "falseAlarm" : null;
    const busy = actionState.kind === "saving" || readOnly;
    return (
        <MessageBar intent={intent} layout="multiline" data-testid="alert-banner">
            <MessageBarBody>
                <MessageBarTitle>
                    <Badge appearance="filled" color={alertLevelColor(alert.level)} shape="rounded">
                        {levelLabel}
                    </Badge>{" "}
                    {t("Alert_Title", levelLabel)}
                </MessageBarTitle>
                {alert.dueBy && overdue && (
                    <span data-testid="alert-overdue" className={styles.overdue}>
                        {t("Alert_Overdue", formatDateTime(formatter, alert.dueBy))}
                    </span>
                )}
                {alert.dueBy && !overdue && <span data-testid="alert-due">{t("Alert_DueBy", formatDateTime(formatter, alert.dueBy))}</span>}
                {alert.sentiment !== null && <span> · {t("Alert_Sentiment", formatSentiment(formatter, alert.sentiment))}</span>}
                {signals.length > 0 && (
                    <ul className={styles.signals} data-testid="alert-signals" lang={language}>
                        {signals.map((signal, index) => (
                            <li key={index}>{signal}</li>
                        ))}
                    </ul>
                )}
                {feedbackGiven !== null ? (
                    <div role="status" data-testid="alert-feedback">
                        {t("Alert_FeedbackSaved", feedbackGiven === "valid" ? t("Alert_Valid") : t("Alert_FalseAlarm"))}
                    </div>
                ) : (
                    <div className={styles.alertActions} role="group" aria-label={t("Alert_ActionsLabel")} data-testid="alert-actions">
                        {acknowledged ? (
                            <span role="status" data-testid="alert-acknowledged">
                                {t("Alert_Acknowledged")}
                            </span>
                        ) : (
                            <Button size="small" disabled={busy} onClick={() => onAction("acknowledge")}>
                                {t("Alert_Acknowledge")}
                            </Button>
                        )}
                        <Button size="small" disabled={busy} onClick={() => onAction("valid")}>
                            {t("Alert_Valid")}
                        </Button>
                        <Button size="small" disabled={busy} onClick={() => onAction("falseAlarm")}>
                            {t("Alert_FalseAlarm")}
                        </Button>
                    </div>
                )}
                {actionState.kind === "failed" && (
                    <div role="alert" className={styles.errorText} data-testid="alert-action-error">
                        {t("Alert_ActionError")}
                    </div>
                )}
            </MessageBarBody>
        </MessageBar>
    );
};
