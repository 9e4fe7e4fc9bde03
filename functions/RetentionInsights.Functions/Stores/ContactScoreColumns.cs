using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Functions.Stores;

/// <summary>
/// The contact columns the service writes and the write check compares with: exactly the contact columns datamodel.json
/// marks <c>"score": true</c> (a test holds the two together). Both stores read them in this order.
/// </summary>
public static class ContactScoreColumns
{
    public static readonly IReadOnlyList<string> All =
    [
        Names.Contact.ChurnProbability, Names.Contact.PreviousChurnProbability, Names.Contact.ChurnRiskBand, Names.Contact.Clv12m,
        Names.Contact.Clv36m, Names.Contact.PAlive, Names.Contact.ValueSegment, Names.Contact.ChurnReasons, Names.Contact.EarlyWarningLevel,
        Names.Contact.ScoredOn, Names.Contact.ModelVersion, Names.Contact.ValueIfRetained, Names.Contact.ChurnReasonCodes,
        Names.Contact.ChurnReasonDetails, Names.Contact.ChurnTrend, Names.Contact.PreviousRiskBand, Names.Contact.RiskBandChangedOn,
        Names.Contact.RetentionGroup, Names.Contact.RetentionGroupSince, Names.Contact.UpliftSegment,
    ];
}
