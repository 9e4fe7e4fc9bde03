import * as React from "react";
import { Badge, Body1, Button, Caption1, Card, CardHeader, Text } from "@fluentui/react-components";
import { RecommendationStatus } from "../model/names";
import type { OfferRecommendation, OfferResponse } from "../model/types";
import type { StringKey, Translate } from "../model/strings";
import { formatMoney, formatPercent, type Formatter } from "../formatting/format";
import { usePanelStyles } from "./styles";

export type ResponseState = { kind: "idle" } | { kind: "saving"; response: OfferResponse } | { kind: "saved"; status: number } | { kind: "failed" };

export interface OfferCardProps {
    offer: OfferRecommendation;
    position: number;
    responseState: ResponseState;
    disabled: boolean;
    onRespond: (offer: OfferRecommendation, response: OfferResponse) => void;
    formatter: Formatter;
    currencySymbol?: string;
    t: Translate;
}

export const OfferCard: React.FC<OfferCardProps> = ({ offer, position, responseState, disabled, onRespond, formatter, currencySymbol, t }) => {
    const styles = usePanelStyles();
    const headingId = `rtn-offer-${offer.recommendationId}`;
    const saving = responseState.kind === "saving";
    const saved = responseState.kind === "saved" ? responseState.status : null;
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
                {offer.reason && <Body1 data-testid="offer-reason">{offer.reason}</Body1>}
                {saved !== null ? (
                    <Badge appearance="tint" color={saved === RecommendationStatus.Accepted ? "success" : "informative"} role="status" data-testid="offer-status">
                        {saved === RecommendationStatus.Accepted ? t("Offer_Accepted") : t("Offer_Declined")}
                    </Badge>
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
