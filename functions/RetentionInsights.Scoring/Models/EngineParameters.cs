using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Clv;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Offers;
using RetentionInsights.Scoring.Uplift;

namespace RetentionInsights.Scoring.Models;

/// <summary>The non-ML.NET state of a trained engine version, stored inside <see cref="ModelMetadata"/>.</summary>
public sealed record EngineParameters
{
    public RiskBands RiskBands { get; init; } = RiskBands.Default;
    public ClvSettings Clv { get; init; } = new();
    public OfferModelState Offers { get; init; } = OfferModelState.Empty;

    /// <summary>Learned effect of each offer type on churn; empty (prior only) until enough randomised history exists.</summary>
    public UpliftModelState Uplift { get; init; } = UpliftModelState.Empty;

    /// <summary>The offer-mix guard fitted on the training book: what ranking each offer type first costs; none by default.</summary>
    public OfferMix OfferMix { get; init; } = OfferMix.None;

    /// <summary>Winsorising limits learned on the training data, applied identically when scoring.</summary>
    public IReadOnlyList<FeatureLimit> FeatureLimits { get; init; } = [];
}

/// <summary>Settings and fitted parameters of the CLV part. Time units are explicit in each parameter record.</summary>
public sealed record ClvSettings
{
    /// <summary>Gross margin as a share of contract revenue (energy retail: a few percent to ~15 %).</summary>
    public double MarginRate { get; init; } = 0.12;

    public double AnnualDiscountRate { get; init; } = 0.08;

    /// <summary>BG/NBD fitted on contract starts (orders), weekly units; null when there was too little history.</summary>
    public BgNbdParameters? OrderBgNbd { get; init; }

    public GammaGammaParameters? OrderGammaGamma { get; init; }

    /// <summary>
    /// Value segment cut points on the value if retained (€, 36 months): Low below the first, Top from the last. Set at
    /// training from <see cref="SegmentShares"/> over the active base; the default only applies to models trained before.
    /// </summary>
    public double[] SegmentCuts { get; init; } = [250, 600, 1200];

    /// <summary>Configured share of the active base in each value segment: Low, Medium, High, Top (adds up to 1).</summary>
    public double[] SegmentShares { get; init; } = [0.4, 0.3, 0.2, 0.1];
}
