using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Stores;

namespace RetentionInsights.Functions.Endpoints;

// The JSON shapes the PCF control, the preview harness and the Custom API plug-in read. Property names are the contract.

public sealed record CustomerListResponse(IReadOnlyList<CustomerListEntry> Customers);

public sealed record CustomerListEntry(Guid ContactId, string FullName, double? ChurnProbability, int? RiskBand);

public sealed record OfferView(Guid RecommendationId, Guid OfferId, string Name, int OfferType, int Rank, double AcceptanceProbability,
    decimal ExpectedValue, string Reason, int Status)
{
    /// <summary>rtn_talkingpoint: why the offer fits, as JSON the panel renders in the reader's language.</summary>
    public string? TalkingPoint { get; init; }

    /// <summary>When and through which channel an answered offer was answered ("Accepted · 2 Dec · phone").</summary>
    public DateTime? RespondedOn { get; init; }

    public int? Channel { get; init; }

    /// <summary>rtn_churnreduction: churn risk now minus churn risk if accepted ("risk 42 % → 28 % if accepted").</summary>
    public double? ChurnReduction { get; init; }
}

/// <summary>An open alert; <see cref="Signals"/> in English and <see cref="SignalsNl"/> in Dutch (rtn_signals holds both halves).</summary>
public sealed record AlertView(Guid AlertId, int Level, IReadOnlyList<string> Signals, IReadOnlyList<string> SignalsNl, double? Sentiment, DateTime? DueBy, int Status);

public sealed record InsightsResponse(
    Guid ContactId,
    string FullName,
    bool ProfilingOptOut,
    bool Scored,
    double? ChurnProbability,
    double? PreviousChurnProbability,
    int? RiskBand,
    decimal? Clv12m,
    decimal? Clv36m,
    double? PAlive,
    int? ValueSegment,
    string Currency,
    IReadOnlyList<string> Reasons,
    int? EarlyWarningLevel,
    DateTime? ScoredOn,
    string? ModelVersion,
    IReadOnlyList<OfferView> Offers,
    AlertView? Alert)
{
    /// <summary>rtn_valueifretained: the 36-month value a retention action protects.</summary>
    public decimal? ValueIfRetained { get; init; }

    /// <summary>rtn_churnreasondetails: the reasons as codes with parameters, rendered by the panel in the reader's language.</summary>
    public string? ChurnReasonDetails { get; init; }

    /// <summary>rtn_churnreasoncodes: option values of the reasons (for filtering).</summary>
    public IReadOnlyList<int> ChurnReasonCodes { get; init; } = [];

    public int? ChurnTrend { get; init; }
    public int? PreviousRiskBand { get; init; }
    public DateTime? RiskBandChangedOn { get; init; }

    /// <summary>rtn_retentiongroup: Treatment or Control ("Control group: no retention offer this period").</summary>
    public int? RetentionGroup { get; init; }
    public DateTime? RetentionGroupSince { get; init; }

    /// <summary>rtn_upliftsegment: Persuadable, Sure thing, Lost cause or Do not disturb.</summary>
    public int? UpliftSegment { get; init; }
}

public sealed record OfferResponseRequest(string? Response, string? Channel);

public sealed record OfferResponseResult(Guid RecommendationId, int Status);

public static class InsightsView
{
    /// <summary>Responded offers stay visible this long so the agent sees the outcome of the call.</summary>
    public static readonly TimeSpan RespondedVisibleFor = TimeSpan.FromDays(1);

    public static InsightsResponse From(ContactState state, DateTime now)
    {
        var s = state.Scores;
        var live = state.Recommendations
            .Where(r => r.Record.Status == Names.Choices.RecommendationProposed
                        || (r.Record.RespondedOn is { } on && now - on <= RespondedVisibleFor
                            && r.Record.Status is Names.Choices.RecommendationAccepted or Names.Choices.RecommendationDeclined))
            .OrderBy(r => r.Record.Status == Names.Choices.RecommendationProposed ? 0 : 1)
            .ThenBy(r => r.Record.Rank)
            .Select(r => new OfferView(r.Record.Id, r.Record.OfferId, r.OfferName, r.OfferType, r.Record.Rank,
                r.Record.AcceptanceProbability ?? 0, r.Record.ExpectedValue ?? 0m, r.Record.Reason ?? string.Empty, r.Record.Status)
            {
                TalkingPoint = r.Record.TalkingPoint,
                RespondedOn = r.Record.RespondedOn,
                Channel = r.Record.Channel,
                ChurnReduction = r.Record.ChurnReduction,
            })
            .ToList();
        var alert = state.OpenAlert is { } a
            ? new AlertView(a.Id, a.Level, SignalHalf(a.Signals, dutch: false), SignalHalf(a.Signals, dutch: true), a.Sentiment, a.DueBy, a.Status)
            : null;
        return new InsightsResponse(state.ContactId, state.FullName, state.ProfilingOptOut, s.ChurnProbability is not null,
            s.ChurnProbability, s.PreviousChurnProbability, s.ChurnRiskBand, s.Clv12m, s.Clv36m, s.PAlive, s.ValueSegment, "EUR",
            SplitLines(s.ChurnReasons), s.EarlyWarningLevel, s.ScoredOn, s.ModelVersion, live, alert)
        {
            ValueIfRetained = s.ValueIfRetained,
            ChurnReasonDetails = s.ChurnReasonDetails,
            ChurnReasonCodes = ReasonCodes(s.ChurnReasonCodes),
            ChurnTrend = s.ChurnTrend,
            PreviousRiskBand = s.PreviousRiskBand,
            RiskBandChangedOn = s.RiskBandChangedOn,
            RetentionGroup = s.RetentionGroup,
            RetentionGroupSince = s.RetentionGroupSince,
            UpliftSegment = s.UpliftSegment,
        };
    }

    /// <summary>A multi-select choice as the Web API returns it ("471500000,471500003"); anything unreadable is left out.</summary>
    public static IReadOnlyList<int> ReasonCodes(string? text) =>
        string.IsNullOrWhiteSpace(text) ? []
        : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : (int?)null)
            .OfType<int>().ToList();

    /// <summary>One language half of rtn_signals (English lines, a line "—", Dutch lines); text without the separator is both.</summary>
    public static IReadOnlyList<string> SignalHalf(string? text, bool dutch)
    {
        var lines = SplitLines(text).ToList();
        var separator = lines.IndexOf("—");
        var half = separator < 0 ? lines : dutch ? lines[(separator + 1)..] : lines[..separator];
        return half.Select(l => l.TrimStart('•', ' ')).ToList();
    }

    public static IReadOnlyList<string> SplitLines(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
