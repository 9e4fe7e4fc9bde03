import * as React from "react";
import {
    Button,
    FluentProvider,
    MessageBar,
    MessageBarActions,
    MessageBarBody,
    MessageBarTitle,
    Spinner,
    type Theme,
} from "@fluentui/react-components";
import { RecommendationStatus } from "../model/names";
import type { AlertAction, ContactScoreInput, OfferRecommendation, OfferResponse } from "../model/types";
import type { StringKey } from "../model/strings";
import { phraseLanguage, renderPhrase } from "../model/phrases";
import type { Translate } from "../model/strings";
import { formatDateTime, type Formatter } from "../formatting/format";
import { mapScoreState } from "../mapping/contactScore";
import { actOnAlert, loadRetentionData, respondToOffer, type RetentionData, type WebApiPort } from "../data/retentionDataService";
import { AlertBanner, type AlertActionState } from "./AlertBanner";
import { OfferCard, type ResponseState } from "./OfferCard";
import { RiskSummary } from "./RiskSummary";
import { usePanelStyles } from "./styles";

export interface RetentionPanelProps {
    /** Null on a contact that is not saved yet: there is nothing to load. */
    contactId: string | null;
    score: ContactScoreInput;
    webApi: WebApiPort;
    formatter: Formatter;
    currencySymbol?: string;
    t: Translate;
    theme: Theme;
    now: () => Date;
    /** Read-only form or no write privilege: offers are shown but cannot be answered. */
    readOnly: boolean;
}

type LoadState = { kind: "idle" } | { kind: "loading" } | { kind: "loaded"; data: RetentionData; contactId: string } | { kind: "failed" };

export const RetentionPanel: React.FC<RetentionPanelProps> = (props) => {
    const { contactId, score, webApi, formatter, currencySymbol, t, theme, now, readOnly } = props;
    const styles = usePanelStyles();
    const scoreState = mapScoreState(score, now());
    const optedOut = scoreState.kind === "optOut";
    // Without access to the scores there is nothing to act on; the reads would only return hidden columns.
    const noReads = optedOut || scoreState.kind === "noAccess";
    const language = phraseLanguage(t("Alert_SignalsLanguage"));
    const [alertAction, setAlertAction] = React.useState<AlertActionState>({ kind: "idle" });
    const [loadState, setLoad] = React.useState<LoadState>({ kind: "idle" });
    // Data loaded for another contact is never shown: between the switch and the new load the panel is loading, so an
    // agent never sees the previous customer's reasons or offers under the new name.
    const load: LoadState = loadState.kind === "loaded" && loadState.contactId !== contactId ? { kind: "loading" } : loadState;
    const [attempt, setAttempt] = React.useState(0);
    const [responses, setResponses] = React.useState<Record<string, ResponseState>>({});

    React.useEffect(() => {
        if (noReads || contactId === null) {
            setLoad({ kind: "idle" });
            return undefined;
        }
        let current = true;
        setLoad({ kind: "loading" });
        loadRetentionData(webApi, contactId).then(
            (data) => current && setLoad({ kind: "loaded", data, contactId }),
            () => current && setLoad({ kind: "failed" }),
        );
        // A newer load (other contact, retry) supersedes this one; its late answer must not overwrite the screen.
        return () => {
            current = false;
        };
    }, [webApi, contactId, noReads, attempt]);

    const actOn = React.useCallback(
        (alertId: string, action: AlertAction) => {
            setAlertAction({ kind: "saving" });
            actOnAlert(webApi, alertId, action, now()).then(
                () => setAlertAction({ kind: "saved", action }),
                () => setAlertAction({ kind: "failed" }),
            );
        },
        [webApi, now],
    );

    const respond = React.useCallback(
        (offer: OfferRecommendation, response: OfferResponse) => {
            setResponses((previous) => ({ ...previous, [offer.recommendationId]: { kind: "saving", response } }));
            respondToOffer(webApi, offer.recommendationId, response, now()).then(
                (status) => setResponses((previous) => ({ ...previous, [offer.recommendationId]: { kind: "saved", status } })),
                () => setResponses((previous) => ({ ...previous, [offer.recommendationId]: { kind: "failed" } })),
            );
        },
        [webApi, now],
    );

    const panelState = optedOut ? "opt-out" : scoreState.kind === "noAccess" ? "no-access" : load.kind === "loading" || (load.kind === "idle" && !noReads && contactId !== null) ? "loading" : load.kind === "failed" ? "error" : scoreState.kind === "notScored" ? "not-scored" : "ready";
    // Once one offer is accepted the others are off the table for this call.
    const anyAccepted = Object.values(responses).some((r) => r.kind === "saved" && r.status === RecommendationStatus.Accepted);
    const loaded = load.kind === "loaded" ? load.data : null;
    const details = loaded?.contact.details ?? null;
    const controlGroup = loaded?.contact.controlGroup === true;
    // Reasons as codes render in the agent's language; without them, the text column in the organisation's language.
    const codedReasons = details ? details.reasons.map((r) => renderPhrase("reasons", r, language)).filter((r): r is string => r !== null) : [];
    const reasons = codedReasons.length > 0 ? codedReasons : scoreState.kind === "scored" ? scoreState.reasons : [];

    return (
        <FluentProvider theme={theme}>
            <section className={styles.root} aria-label={t("Panel_Label")} data-testid="retention-panel" data-state={panelState} lang={language}>
                {loaded?.alert && (
                    <AlertBanner
                        alert={loaded.alert}
                        now={now()}
                        actionState={alertAction}
                        readOnly={readOnly}
                        onAction={(action) => loaded.alert && actOn(loaded.alert.alertId, action)}
                        formatter={formatter}
                        t={t}
                    />
                )}

                {scoreState.kind === "noAccess" && (
                    <MessageBar intent="warning" layout="multiline" data-testid="no-access">
                        <MessageBarBody>
                            <MessageBarTitle>{t("NoAccess_Title")}</MessageBarTitle>
                            {t("NoAccess_Body")}
                        </MessageBarBody>
                    </MessageBar>
                )}

                {scoreState.kind === "optOut" && (
                    <MessageBar intent="info" layout="multiline" data-testid="opt-out">
                        <MessageBarBody>
                            <MessageBarTitle>{t("OptOut_Title")}</MessageBarTitle>
                            {t("OptOut_Body")}
                        </MessageBarBody>
                    </MessageBar>
                )}

                {scoreState.kind === "notScored" && (
                    <MessageBar intent="info" layout="multiline" data-testid="not-scored">
                        <MessageBarBody>
                            <MessageBarTitle>{t("NotScored_Title")}</MessageBarTitle>
                            {t("NotScored_Body")}
                        </MessageBarBody>
                    </MessageBar>
                )}

                {scoreState.kind === "scored" && (
                    <>
                        {scoreState.staleDays !== null && (
                            <MessageBar intent="warning" layout="multiline" data-testid="stale">
                                <MessageBarBody>
                                    <MessageBarTitle>{t("Stale_Title")}</MessageBarTitle>
                                    {t("Stale_Body", scoreState.staleDays)}
                                </MessageBarBody>
                            </MessageBar>
                        )}
                        <RiskSummary
                            score={scoreState}
                            details={details}
                            valueSegment={loaded?.contact.valueSegment ?? null}
                            formatter={formatter}
                            currencySymbol={currencySymbol}
                            t={t}
                        />
                    </>
                )}

                {controlGroup && (
                    <MessageBar intent="info" layout="multiline" data-testid="control-group">
                        <MessageBarBody>
                            <MessageBarTitle>{t("ControlGroup_Title")}</MessageBarTitle>
                            {t("ControlGroup_Body")}
                        </MessageBarBody>
                    </MessageBar>
                )}

                {!noReads && !controlGroup && contactId !== null && (
                    <div className={styles.section} role="group" aria-labelledby="rtn-offers-heading" aria-busy={load.kind === "loading"}>
                        <h3 id="rtn-offers-heading" className={styles.heading}>
                            {t("Offers_Heading")}
                        </h3>
                        {load.kind === "loading" && <Spinner size="small" label={t("Loading")} data-testid="loading" />}
                        {load.kind === "failed" && (
                            <MessageBar intent="error" layout="multiline" data-testid="load-error">
                                <MessageBarBody>
                                    <MessageBarTitle>{t("Error_Title")}</MessageBarTitle>
                                </MessageBarBody>
                                <MessageBarActions>
                                    <Button onClick={() => setAttempt((n) => n + 1)}>{t("Error_Retry")}</Button>
                                </MessageBarActions>
                            </MessageBar>
                        )}
                        {load.kind === "loaded" &&
                            (load.data.offers.length === 0 ? (
                                <span className={styles.muted} data-testid="no-offers">
                                    {t("Offers_None")}
                                </span>
                            ) : (
                                <ul className={styles.offerGrid} data-testid="offers">
                                    {load.data.offers.map((offer, index) => {
                                        const state = responses[offer.recommendationId] ?? { kind: "idle" };
                                        return (
                                            <OfferCard
                                                key={offer.recommendationId}
                                                offer={offer}
                                                position={index + 1}
                                                responseState={state}
                                                disabled={readOnly || (anyAccepted && state.kind !== "saved")}
                                                onRespond={respond}
                                                churnProbability={scoreState.kind === "scored" ? scoreState.churnProbability : null}
                                                language={language}
                                                formatter={formatter}
                                                currencySymbol={currencySymbol}
                                                t={t}
                                            />
                                        );
                                    })}
                                </ul>
                            ))}
                    </div>
                )}

                {scoreState.kind === "scored" && (
                    <div className={styles.section} role="group" aria-labelledby="rtn-reasons-heading">
                        <h3 id="rtn-reasons-heading" className={styles.heading}>
                            {t("Reasons_Heading")}
                        </h3>
                        {reasons.length > 0 ? (
                            // Text from the column is in the organisation's language, which the control cannot know: no lang then.
                            <ol className={styles.reasons} data-testid="reasons" lang={codedReasons.length > 0 ? language : undefined}>
                                {reasons.map((reason, index) => (
                                    <li key={index}>{reason}</li>
                                ))}
                            </ol>
                        ) : (
                            <span className={styles.muted}>{t("Reasons_None")}</span>
                        )}
                    </div>
                )}

                {loaded && loaded.pastResponses.length > 0 && (
                    <div className={styles.section} role="group" aria-labelledby="rtn-past-heading">
                        <h3 id="rtn-past-heading" className={styles.heading}>
                            {t("Past_Heading")}
                        </h3>
                        <ul className={styles.pastList} data-testid="past-responses">
                            {loaded.pastResponses.map((past) => (
                                <li key={past.recommendationId}>
                                    {past.name}: {past.status === RecommendationStatus.Accepted ? t("Offer_Accepted") : t("Offer_Declined")}
                                    {past.respondedOn ? ` · ${formatter.formatDateShort(past.respondedOn, false)}` : ""}
                                    {past.channel !== null ? ` · ${t(`Channel_${past.channel}` as StringKey)}` : ""}
                                </li>
                            ))}
                        </ul>
                    </div>
                )}

                {scoreState.kind === "scored" && (scoreState.scoredOn || scoreState.modelVersion) && (
                    <footer className={styles.footer} data-testid="footer">
                        {scoreState.scoredOn && <span>{t("Footer_Scored", formatDateTime(formatter, scoreState.scoredOn))}</span>}
                        {scoreState.modelVersion && <span>{t("Footer_Model", scoreState.modelVersion)}</span>}
                    </footer>
                )}
            </section>
        </FluentProvider>
    );
};
