namespace RetentionInsights.Data.Metadata;

/// <summary>
/// Compile-time names used in code. Every constant here is checked against datamodel.json by a test, so a rename
/// in one place without the other fails the build's tests.
/// </summary>
public static class Names
{
    public static class Contact
    {
        public const string Table = "contact";
        public const string Id = "contactid";
        public const string ChurnProbability = "rtn_churnprobability";
        public const string PreviousChurnProbability = "rtn_previouschurnprobability";
        public const string ChurnRiskBand = "rtn_churnriskband";
        public const string Clv12m = "rtn_clv12m";
        public const string Clv36m = "rtn_clv36m";
        public const string ValueIfRetained = "rtn_valueifretained";
        public const string PAlive = "rtn_palive";
        public const string ValueSegment = "rtn_valuesegment";
        public const string ChurnReasons = "rtn_churnreasons";
        public const string ChurnReasonCodes = "rtn_churnreasoncodes";
        public const string ChurnReasonDetails = "rtn_churnreasondetails";
        public const string PreviousRiskBand = "rtn_previousriskband";
        public const string RiskBandChangedOn = "rtn_riskbandchangedon";
        public const string ChurnTrend = "rtn_churntrend";
        public const string EarlyWarningLevel = "rtn_earlywarninglevel";
        public const string ScoredOn = "rtn_scoredon";
        public const string ModelVersion = "rtn_modelversion";
        public const string ProfilingOptOut = "rtn_profilingoptout";
        public const string RetentionGroup = "rtn_retentiongroup";
        public const string RetentionGroupSince = "rtn_retentiongroupsince";
        public const string UpliftSegment = "rtn_upliftsegment";
    }

    public static class OfferRecommendation
    {
        public const string Table = "rtn_offerrecommendation";
        public const string Id = "rtn_offerrecommendationid";
        public const string Contact = "rtn_contactid";
        public const string Offer = "rtn_offerid";
        public const string Status = "rtn_status";
    }

    public static class RetentionAlert
    {
        public const string Table = "rtn_retentionalert";
        public const string Id = "rtn_retentionalertid";
        public const string Contact = "rtn_contactid";
    }

    public static class Offer
    {
        public const string Table = "rtn_offer";
        public const string Id = "rtn_offerid";
    }

    /// <summary>Option values of the product's choices (471500000 + n).</summary>
    public static class Choices
    {
        public const int RiskLow = 471500000, RiskMedium = 471500001, RiskHigh = 471500002, RiskCritical = 471500003;
        public const int SegmentLow = 471500000, SegmentMedium = 471500001, SegmentHigh = 471500002, SegmentTop = 471500003;
        public const int WarningNone = 471500000, WarningYellow = 471500001, WarningOrange = 471500002, WarningRed = 471500003;
        public const int OfferDiscount = 471500000, OfferLoyaltyBonus = 471500001, OfferFixedPrice = 471500002,
            OfferGreenUpgrade = 471500003, OfferServiceAddOn = 471500004, OfferPaymentPlan = 471500005;
        public const int RecommendationProposed = 471500000, RecommendationAccepted = 471500001,
            RecommendationDeclined = 471500002, RecommendationExpired = 471500003;
        public const int ChannelPhone = 471500000, ChannelEmail = 471500001, ChannelWeb = 471500002;
        public const int TrendRising = 471500000, TrendStable = 471500001, TrendFalling = 471500002;
        public const int AlertOpen = 471500000, AlertInProgress = 471500001, AlertResolved = 471500002;
        public const int FeedbackValid = 471500000, FeedbackFalseAlarm = 471500001;
        public const int GroupTreatment = 471500000, GroupControl = 471500001;
        public const int UpliftPersuadable = 471500000, UpliftSureThing = 471500001, UpliftLostCause = 471500002, UpliftDoNotDisturb = 471500003;
        public const int TariffFixed = 471500000, TariffVariable = 471500001;
    }

    /// <summary>Standard Dataverse option values the product relies on.</summary>
    public static class Standard
    {
        public const int CaseTypeQuestion = 1, CaseTypeProblem = 2, CaseTypeRequest = 3;
        public const int ContactActive = 0, ContactInactive = 1;
        public const int IncidentActive = 0, IncidentResolved = 1, IncidentCanceled = 2;
        public const int OrderActive = 0, OrderCanceled = 2, OrderFulfilled = 3, OrderInvoiced = 4;
        public const int InvoiceActive = 0, InvoicePaid = 2;
        public const int ActivityOpen = 0, ActivityCompleted = 1, ActivityCanceled = 2;
    }
}
