// Keys of strings/RetentionInsightsPanel.<lcid>.resx used by the UI. A unit test checks that every key exists in every
// resx file, so a missing translation fails the build instead of showing a raw key to an agent.

export const StringKeys = [
    "Panel_Label",
    "Loading",
    "NotScored_Title",
    "NotScored_Body",
    "OptOut_Title",
    "OptOut_Body",
    "Stale_Title",
    "Stale_Body",
    "Error_Title",
    "Error_Retry",
    "Risk_Heading",
    "Risk_Band",
    "Risk_ChanceToLeave",
    "Trend_Up",
    "Trend_Down",
    "Trend_Flat",
    "Trend_None",
    "Value_Heading",
    "Value_12m",
    "Value_36m",
    "Value_PAlive",
    "Value_Unknown",
    "Reasons_Heading",
    "Reasons_None",
    "Offers_Heading",
    "Offers_None",
    "Offer_Rank",
    "Offer_Acceptance",
    "Offer_ExpectedValue",
    "Offer_Accept",
    "Offer_Decline",
    "Offer_AcceptLabel",
    "Offer_DeclineLabel",
    "Offer_Accepted",
    "Offer_Declined",
    "Offer_ResponseError",
    "Alert_Title",
    "Alert_DueBy",
    "Alert_Sentiment",
    "Footer_Scored",
    "Footer_Model",
    "Band_471500000",
    "Band_471500001",
    "Band_471500002",
    "Band_471500003",
    "Alert_SignalsLanguage",
    "Level_471500000",
    "Level_471500001",
    "Level_471500002",
    "Level_471500003",
    "OfferType_471500000",
    "OfferType_471500001",
    "OfferType_471500002",
    "OfferType_471500003",
    "OfferType_471500004",
    "OfferType_471500005",
    "NoAccess_Title",
    "NoAccess_Body",
    "TooEarly_Title",
    "TooEarly_Body",
    "Risk_TimesAverage",
    "Risk_BelowAverage",
    "Risk_BandThresholds",
    "Value_Segment",
    "Segment_471500000",
    "Segment_471500001",
    "Segment_471500002",
    "Segment_471500003",
    "Offer_RiskIfAccepted",
    "ControlGroup_Title",
    "ControlGroup_Body",
    "Past_Heading",
    "Channel_471500000",
    "Channel_471500001",
    "Channel_471500002",
    "Alert_Overdue",
    "Alert_Acknowledge",
    "Alert_Acknowledged",
    "Alert_Valid",
    "Alert_FalseAlarm",
    "Alert_FeedbackSaved",
    "Alert_ActionError",
    "Alert_ActionsLabel",
] as const;

export type StringKey = (typeof StringKeys)[number];

/** Resolves a resource string; {0}, {1}… are replaced by the arguments. */
export type Translate = (key: StringKey, ...args: (string | number)[]) => string;

export function createTranslate(getString: (key: string) => string): Translate {
    return (key, ...args) => {
        const template = getString(key) || key;
        return template.replace(/\{(\d+)\}/g, (match, index: string) => {
            const value = args[Number(index)];
            return value === undefined ? match : String(value);
        });
    };
}
