// Dataverse names the control depends on. They mirror functions/RetentionInsights.Data/Metadata/datamodel.json;
// tests/unit/model/names.test.ts fails when a name, a choice value or a manifest property drifts from it.

export const CONTROL_NAMESPACE = "RetentionInsights";
export const CONTROL_CONSTRUCTOR = "RetentionInsightsPanel";

/** Bound manifest properties; each is named exactly like the contact column it binds to. */
export const ContactColumns = {
    churnProbability: "rtn_churnprobability",
    previousChurnProbability: "rtn_previouschurnprobability",
    churnRiskBand: "rtn_churnriskband",
    clv12m: "rtn_clv12m",
    clv36m: "rtn_clv36m",
    pAlive: "rtn_palive",
    churnReasons: "rtn_churnreasons",
    earlyWarningLevel: "rtn_earlywarninglevel",
    scoredOn: "rtn_scoredon",
    modelVersion: "rtn_modelversion",
    profilingOptOut: "rtn_profilingoptout",
} as const;

/** Manifest of-type per bound property (the PCF type that matches the Dataverse column type). */
export const ContactColumnManifestTypes: Readonly<Record<(typeof ContactColumns)[keyof typeof ContactColumns], string>> = {
    rtn_churnprobability: "Decimal",
    rtn_previouschurnprobability: "Decimal",
    rtn_churnriskband: "OptionSet",
    rtn_clv12m: "Currency",
    rtn_clv36m: "Currency",
    rtn_palive: "Decimal",
    rtn_churnreasons: "Multiple",
    rtn_earlywarninglevel: "OptionSet",
    rtn_scoredon: "DateAndTime.DateAndTime",
    rtn_modelversion: "SingleLine.Text",
    rtn_profilingoptout: "TwoOptions",
};

/**
 * Contact columns the control reads with one retrieveRecord (they are not bound on the form, so adding them needs no form
 * change): the reason codes with parameters and the value segment.
 */
export const ContactDetailColumns = {
    churnReasonDetails: "rtn_churnreasondetails",
    valueSegment: "rtn_valuesegment",
} as const;

/**
 * Columns the uplift model writes (contact retention group and uplift segment, per recommendation the churn reduction).
 * They are read from full rows (no $select), so the control works before and after they exist in an environment.
 */
export const UpliftColumns = {
    retentionGroup: "rtn_retentiongroup",
    upliftSegment: "rtn_upliftsegment",
    churnReduction: "rtn_churnreduction",
} as const;
export const RetentionGroup = { Treatment: 471500000, Control: 471500001 } as const;

export const Tables = {
    contact: "contact",
    offer: "rtn_offer",
    offerRecommendation: "rtn_offerrecommendation",
    retentionAlert: "rtn_retentionalert",
} as const;

export const OfferRecommendationColumns = {
    id: "rtn_offerrecommendationid",
    contact: "rtn_contactid",
    offer: "rtn_offerid",
    rank: "rtn_rank",
    acceptanceProbability: "rtn_acceptanceprobability",
    expectedValue: "rtn_expectedvalue",
    reason: "rtn_reason",
    talkingPoint: "rtn_talkingpoint",
    status: "rtn_status",
    respondedOn: "rtn_respondedon",
    channel: "rtn_channel",
} as const;

export const OfferColumns = {
    id: "rtn_offerid",
    name: "rtn_name",
    offerType: "rtn_offertype",
} as const;

export const RetentionAlertColumns = {
    id: "rtn_retentionalertid",
    contact: "rtn_contactid",
    level: "rtn_level",
    signals: "rtn_signals",
    sentiment: "rtn_sentiment",
    dueBy: "rtn_dueby",
    status: "rtn_status",
    feedback: "rtn_feedback",
    resolvedOn: "rtn_resolvedon",
    createdOn: "createdon",
} as const;

/** Choice values, keyed by the datamodel.json choice name. */
export const RiskBand = { Low: 471500000, Medium: 471500001, High: 471500002, Critical: 471500003 } as const;
export const EarlyWarningLevel = { None: 471500000, Yellow: 471500001, Orange: 471500002, Red: 471500003 } as const;
export const RecommendationStatus = { Proposed: 471500000, Accepted: 471500001, Declined: 471500002, Expired: 471500003 } as const;
export const Channel = { Phone: 471500000, Email: 471500001, Web: 471500002 } as const;
export const AlertStatus = { Open: 471500000, InProgress: 471500001, Resolved: 471500002 } as const;
export const AlertFeedback = { Valid: 471500000, FalseAlarm: 471500001 } as const;
export const ValueSegment = { Low: 471500000, Medium: 471500001, High: 471500002, Top: 471500003 } as const;
export const OfferType = {
    Discount: 471500000,
    LoyaltyBonus: 471500001,
    FixedPriceContract: 471500002,
    GreenUpgrade: 471500003,
    ServiceAddOn: 471500004,
    PaymentPlan: 471500005,
} as const;

export const ChoiceSets = {
    rtn_churnriskband: RiskBand,
    rtn_earlywarninglevel: EarlyWarningLevel,
    rtn_recommendationstatus: RecommendationStatus,
    rtn_channel: Channel,
    rtn_alertstatus: AlertStatus,
    rtn_alertfeedback: AlertFeedback,
    rtn_valuesegment: ValueSegment,
    rtn_offertype: OfferType,
} as const;

/** Web API lookup value property ("_<lookup>_value"). */
export const lookupValue = (lookupColumn: string): string => `_${lookupColumn}_value`;
