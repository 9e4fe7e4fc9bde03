using RetentionInsights.Scoring.Features;

namespace RetentionInsights.Scoring.Uplift;

/// <summary>
/// The few customer traits the uplift model lets an offer's effect depend on (and adjusts the churn baseline for), from the
/// raw churn feature vector. Bounded transforms ("any", "several" and "how many") keep a linear model sane for extreme
/// customers and let it tell one complaint, or one late payment, from many.
/// </summary>
public static class UpliftCovariates
{
    public static readonly string[] Names =
    [
        "intercept", "price_increase_90", "contract_end_within_60", "contract_variable", "complaints_any_90", "complaints_90",
        "complaints_several_90", "negative_messages_60", "negative_several_60", "late_any_365", "late_several_365", "late_payments_365", "usage_drop", "tenure_years", "new_customer", "contact_surge",
        "offer_accepted_180", "sentiment_mean_60", "dissatisfied_several",
    ];

    private static readonly int DaysSincePriceIncrease = FeatureSchema.IndexOf("days_since_price_increase");
    private static readonly int ContractEnd60 = FeatureSchema.IndexOf("contract_end_within_60");
    private static readonly int Variable = FeatureSchema.IndexOf("contract_variable");
    private static readonly int Complaints90 = FeatureSchema.IndexOf("complaints_90");
    private static readonly int Negative60 = FeatureSchema.IndexOf("negative_messages_60");
    private static readonly int Late365 = FeatureSchema.IndexOf("late_payments_365");
    private static readonly int UsageDrop = FeatureSchema.IndexOf("usage_drop");
    private static readonly int Tenure = FeatureSchema.IndexOf("tenure_years");
    private static readonly int Surge = FeatureSchema.IndexOf("contact_surge");
    private static readonly int Accepted180 = FeatureSchema.IndexOf("offer_accepted_180");
    private static readonly int Sentiment = FeatureSchema.IndexOf("sentiment_mean_60");

    public static int Count => Names.Length;

    public static double[] Compute(ReadOnlySpan<float> f)
    {
        var complaints = Finite(f[Complaints90]);
        var late = Finite(f[Late365]);
        var tenure = Finite(f[Tenure]);
        return
        [
            1,
            Finite(f[DaysSincePriceIncrease], 400) < 90 ? 1 : 0,
            Finite(f[ContractEnd60]) >= 1 ? 1 : 0,
            Finite(f[Variable]) >= 1 ? 1 : 0,
            complaints >= 1 ? 1 : 0,
            Math.Min(complaints, 4) / 4,
            complaints >= 2 ? 1 : 0,
            Math.Min(Finite(f[Negative60]), 4) / 4,
            Finite(f[Negative60]) >= 2 ? 1 : 0,
            late >= 1 ? 1 : 0,
            late >= 2 ? 1 : 0, // payment trouble: one late payment can be an oversight, several rarely are
            Math.Min(late, 6) / 6,
            Finite(f[UsageDrop]) >= 1 ? 1 : 0,
            Math.Min(tenure, 10) / 10,
            tenure < 1 ? 1 : 0,
            Finite(f[Surge]) >= 1 ? 1 : 0,
            Finite(f[Accepted180]) >= 1 ? 1 : 0,
            Math.Clamp(Finite(f[Sentiment]), -1, 1),
            // Repeated dissatisfaction through either channel (several complaints, or several negative messages): the customers a
            // sales call is most likely to irritate.
            complaints >= 2 || Finite(f[Negative60]) >= 2 ? 1 : 0,
        ];
    }

    private static double Finite(float value, double fallback = 0) => float.IsFinite(value) ? value : fallback;
}
