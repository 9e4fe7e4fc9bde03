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
import type { ContactScoreInput, OfferRecommendation, OfferResponse } from "../model/types";
import type { Translate } from "../model/strings";
import { formatDateTime, type Formatter } from "../formatting/format";
import { mapScoreState } from "../mapping/contactScore";
import { loadRetentionData, respondToOffer, type RetentionData, type WebApiPort } from "../data/retentionDataService";
import { AlertBanner } from "./AlertBanner";
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

type LoadState = { kind: "idle" } | { kind: "loading" } | { kind: "loaded"; data: RetentionData } | { kind: "failed" };

export const RetentionPanel: React.FC<RetentionPanelProps> = (props) => {
    const { contactId, score, webApi, formatter, currencySymbol, t, theme, now, readOnly } = props;
    const styles = usePanelStyles();
    const scoreState = mapScoreState(score, now());
    const optedOut = scoreState.kind === "optOut";
    const [load, setLoad] = React.useState<LoadState>({ kind: "idle" });
    const [attempt, setAttempt] = React.useState(0);
    const [responses, setResponses] = React.useState<Record<string, ResponseState>>({});

    React.useEffect(() => {
        if (optedOut || contactId === null) {
            setLoad({ kind: "idle" });
            return undefined;
        }
        let current = true;
        setLoad({ kind: "loading" });
        loadRetentionData(webApi, contactId).then(
            (data) => current && setLoad({ kind: "loaded", data }),
            () => current && setLoad({ kind: "failed" }),
        );
        // A newer load (other contact, retry) supersedes this one; its late answer must not overwrite the screen.
        return () => {
            current = false;
        };
    }, [webApi, contactId, optedOut, attempt]);

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

    const panelState = optedOut ? "opt-out" : load.kind === "loading" ? "loading" : load.kind === "failed" ? "error" : scoreState.kind === "notScored" ? "not-scored" : "ready";
    // Once one offer is accepted the others are off the table for this call.
    const anyAccepted = Object.values(responses).some((r) => r.kind === "saved" && r.status === RecommendationStatus.Accepted);

    return (
        <FluentProvider theme={theme}>
            <section className={styles.root} aria-label={t("Panel_Label")} data-testid="retention-panel" data-state={panelState}>
                {load.kind === "loaded" && load.data.alert && <AlertBanner alert={load.data.alert} formatter={formatter} t={t} />}

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
                        <RiskSummary score={scoreState} formatter={formatter} currencySymbol={currencySymbol} t={t} />
                        <div className={styles.section} role="group" aria-labelledby="rtn-reasons-heading">
                            <h3 id="rtn-reasons-heading" className={styles.heading}>
                                {t("Reasons_Heading")}
                            </h3>
                            {scoreState.reasons.length > 0 ? (
                                <ol className={styles.reasons} data-testid="reasons">
                                    {scoreState.reasons.map((reason, index) => (
                                        <li key={index}>{reason}</li>
                                    ))}
                                </ol>
                            ) : (
                                <span className={styles.muted}>{t("Reasons_None")}</span>
                            )}
                        </div>
                    </>
                )}

                {!optedOut && contactId !== null && (
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
