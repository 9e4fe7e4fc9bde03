import * as React from "react";
import { Badge, Body1, Button, Caption1, Card, CardHeader, Text } from "@fluentui/react-components";
import { RecommendationStatus } from "../model/names";
import type { OfferRecommendation, OfferResponse } from "../model/types";
import type { StringKey, Translate } from "../model/strings";
import { renderPhrase, type PhraseLanguage } from "../model/phrases";
import { formatMoney, formatPercent, type Formatter } from "../formatting/format";
import { usePanelStyles } from "./styles";

export type ResponseState = { kind: "idle" } | { kind: "saving"; response: OfferResponse } | { kind: "saved"; status: number } | { kind: "failed" };

export interface OfferCardProps {
    offer: OfferRecommendation;
    position: number;
    responseState: ResponseState;
    disabled: boolean;
    onRespond: (offer: OfferRecommendation, response: OfferResponse) => void;
    /** The customer's churn risk now, for "risk 42 % → 28 % if accepted"; null when not scored. */
    churnProbability: number | null;
    language: PhraseLanguage;
    formatter: Formatter;
    currencySymbol?: string;
    t: Translate;
}

export const OfferCard: React.FC<OfferCardProps> = (props) => {
    const { offer, position, responseState, disabled, onRespond, churnProbability, language, formatter, currencySymbol, t } = props;
    const styles = usePanelStyles();
    const headingId = `rtn-offer-${offer.recommendationId}`;
    const saving = responseState.kind === "saving";
    const saved = responseState.kind === "saved" ? responseState.status : null;
    const statusRef = React.useRef<HTMLDivElement>(null);
    // The buttons disappear once the answer is saved; focus moves to the outcome so keyboard users do not land on the page body.
    React.useEffect(() => {
        if (saved !== null) {
            statusRef.current?.focus();
        }
    }, [saved]);
    const talkingPoint = offer.talkingPoint ? renderPhrase("talkingPoints", offer.talkingPoint, language) : null;
    const ifAccepted = churnProbability !== null && offer.churnReduction !== null ? Math.max(0, churnProbability - offer.churnReduction) : null;
    return (
        <li>
            <Card className={styles.offerCard} aria-labelledby={headingId} data-testid="offer-card">
                <CardHeader
                    header={
                        <h4 id={headingId} className={styles.heading}>
                            <Text weight="semibold">{offer.name}</Text>
                        </h4>
                    }
                    description={
                        <Caption1 className={styles.muted}>
                            {t("Offer_Rank", position)}
                            {offer.offerType !== null ? ` · ${t(`OfferType_${offer.offerType}` as StringKey)}` : ""}
                        </Caption1>
                    }
                />
                {churnProbability !== null && ifAccepted !== null && (
                    <strong data-testid="offer-risk-if-accepted">
                        {t("Offer_RiskIfAccepted", formatPercent(formatter, churnProbability), formatPercent(formatter, ifAccepted))}
                    </strong>
                )}
                <div className={styles.offerFacts}>
                    <span>
                        <span className={styles.muted}>{t("Offer_Acceptance")}: </span>
                        <strong data-testid="offer-acceptance">{offer.acceptanceProbability === null ? t("Value_Unknown") : formatPercent(formatter, offer.acceptanceProbability)}</strong>
                    </span>
                    <span>
                        <span className={styles.muted}>{t("Offer_ExpectedValue")}: </span>
                        <strong data-testid="offer-expected-value">
                            {offer.expectedValue === null ? t("Value_Unknown") : formatMoney(formatter, offer.expectedValue, currencySymbol)}
                        </strong>
                    </span>
                </div>
                {talkingPoint ? (
                    <Body1 data-testid="offer-reason" lang={language}>
                        {talkingPoint}
                    </Body1>
                ) : (
                    offer.reason && <Body1 data-testid="offer-reason">{offer.reason}</Body1>
                )}
                {saved !== null ? (
                    <div ref={statusRef} tabIndex={-1} role="status" data-testid="offer-status" className={styles.statusHolder}>
                        <Badge appearance="tint" color={saved === RecommendationStatus.Accepted ? "success" : "informative"}>
                            {saved === RecommendationStatus.Accepted ? t("Offer_Accepted") : t("Offer_Declined")}
                        </Badge>{" "}
                        <span className={styles.visuallyHidden}>{offer.name}</span>
                    </div>
                ) : (
                    <div className={styles.offerActions}>
                        <Button
                            appearance="primary"
                            disabled={disabled || saving}
                            aria-label={t("Offer_AcceptLabel", offer.name)}
                            onClick={() => onRespond(offer, "accepted")}
                        >
                            {t("Offer_Accept")}
                        </Button>
                        <Button disabled={disabled || saving} aria-label={t("Offer_DeclineLabel", offer.name)} onClick={() => onRespond(offer, "declined")}>
                            {t("Offer_Decline")}
                        </Button>
                    </div>
                )}
                {responseState.kind === "failed" && (
                    <Caption1 role="alert" className={styles.errorText} data-testid="offer-error">
                        {t("Offer_ResponseError")}
                    </Caption1>
                )}
            </Card>
        </li>
    );
};
