namespace RetentionInsights.Scoring.Features;

/// <summary>
/// One engine feature: its name in the model, and how a per-customer reason reads when this feature pushes the churn risk
/// up. Templates take the raw (un-winsorised) value as {0}; "*" marks features that are never shown as a reason because
/// they do not describe something an agent can talk about.
/// </summary>
public sealed record FeatureDefinition(string Name, string English, string Dutch, bool Winsorise = true, Func<double, bool>? Show = null)
{
    /// <summary>Whether the value describes something worth telling an agent (a reason like "0 complaints" helps nobody).</summary>
    public bool IsTellable(double value) => English != "*" && (Show ?? (v => v > 0))(value);
}

/// <summary>The fixed feature list of the churn model, in vector order. Models store this list; scoring checks it matches.</summary>
public static class FeatureSchema
{
    public static readonly FeatureDefinition[] All =
    [
        new("tenure_years", "Customer for only {0:0.#} years", "Pas {0:0.#} jaar klant", Show: v => v < 2),
        new("contract_variable", "On a variable-price contract", "Heeft een variabel contract", Winsorise: false, Show: v => v >= 1),
        new("days_to_contract_end", "Contract ends in {0:0} days", "Contract loopt over {0:0} dagen af", Show: v => v < 120),
        new("contract_end_within_60", "Contract ends within 60 days", "Contract loopt binnen 60 dagen af", Winsorise: false, Show: v => v >= 1),
        new("contracts_started", "*", "*"),
        new("annual_contract_value", "*", "*"),
        new("price_change_90", "Instalment changed by {0:+0%;-0%} in the last 3 months", "Termijnbedrag {0:+0%;-0%} veranderd in de afgelopen 3 maanden", Show: v => Math.Abs(v) >= 0.02),
        new("days_since_price_increase", "Instalment went up {0:0} days ago", "Termijnbedrag {0:0} dagen geleden verhoogd", Show: v => v < 120),
        new("complaints_30", "{0:0} complaints in the last 30 days", "{0:0} klachten in de afgelopen 30 dagen"),
        new("complaints_90", "{0:0} complaints in the last 90 days", "{0:0} klachten in de afgelopen 90 dagen"),
        new("complaints_365", "{0:0} complaints this year", "{0:0} klachten dit jaar"),
        new("questions_90", "{0:0} questions in the last 90 days", "{0:0} vragen in de afgelopen 90 dagen"),
        new("requests_90", "{0:0} requests in the last 90 days", "{0:0} verzoeken in de afgelopen 90 dagen"),
        new("open_cases", "{0:0} cases still open", "{0:0} zaken staan nog open"),
        new("reopened_cases_365", "{0:0} cases reopened this year (not solved first time)", "{0:0} zaken heropend dit jaar (niet in één keer opgelost)"),
        new("mean_resolution_hours_365", "Cases took {0:0} hours on average to resolve", "Zaken duurden gemiddeld {0:0} uur", Show: v => v >= 48),
        new("urgent_cases_60", "{0:0} urgent cases in the last 60 days", "{0:0} urgente zaken in de afgelopen 60 dagen"),
        new("satisfaction_90", "Low satisfaction with recent cases ({0:0.0} of 5)", "Lage tevredenheid over recente zaken ({0:0.0} van 5)", Show: v => v <= 2.5),
        new("inbound_30", "{0:0} inbound contacts in the last 30 days", "{0:0} keer contact opgenomen in de afgelopen 30 dagen"),
        new("inbound_90", "{0:0} inbound contacts in the last 90 days", "{0:0} keer contact opgenomen in de afgelopen 90 dagen"),
        new("inbound_calls_90", "{0:0} calls in the last 90 days", "{0:0} keer gebeld in de afgelopen 90 dagen"),
        new("long_calls_60", "{0:0} long calls (15+ min) in the last 60 days", "{0:0} lange gesprekken (15+ min) in de afgelopen 60 dagen"),
        new("outbound_90", "*", "*"),
        new("contact_frequency_ratio", "Contacting us {0:0.#}× more often than usual", "Neemt {0:0.#}× vaker contact op dan gebruikelijk", Show: v => v >= 1.5),
        new("contact_surge", "Sudden surge of contacts this month", "Plotseling veel contact deze maand", Winsorise: false, Show: v => v >= 1),
        new("days_since_last_inbound", "*", "*"),
        new("late_payments_365", "{0:0} late payments this year", "{0:0} keer te laat betaald dit jaar"),
        new("very_late_payments_365", "{0:0} payments more than 30 days late this year", "{0:0} keer meer dan 30 dagen te laat betaald dit jaar"),
        new("share_paid_on_time_365", "Only {0:0%} of invoices paid on time", "Slechts {0:0%} van de facturen op tijd betaald", Show: v => v < 0.95),
        new("overdue_invoices", "{0:0} invoices overdue now", "{0:0} facturen staan open na de vervaldatum"),
        new("usage_trend", "Usage down to {0:0%} of the usual level", "Verbruik gedaald tot {0:0%} van normaal", Show: v => v > 0 && v < 0.85),
        new("usage_drop", "Sharp drop in energy usage (moving?)", "Sterke daling van het verbruik (verhuizing?)", Winsorise: false, Show: v => v >= 1),
        new("sentiment_mean_60", "Negative tone in recent messages ({0:0.00})", "Negatieve toon in recente berichten ({0:0.00})", Show: v => v < -0.1),
        new("sentiment_min_60", "Very negative message recently ({0:0.00})", "Recent een zeer negatief bericht ({0:0.00})", Show: v => v < -0.3),
        new("negative_messages_60", "{0:0.#} negative messages in the last 60 days", "{0:0.#} negatieve berichten in de afgelopen 60 dagen"),
        new("sentiment_trend", "Tone of messages getting worse", "Toon van berichten wordt negatiever", Show: v => v < -0.1),
        new("offers_declined_180", "Declined {0:0} retention offers recently", "{0:0} retentie-aanbiedingen recent afgewezen"),
        new("offer_accepted_180", "*", "*", Winsorise: false),
        new("offers_proposed_90", "*", "*"),
        new("days_since_rollover", "Rolled over to a variable tariff {0:0} days ago", "{0:0} dagen geleden overgegaan op een variabel tarief", Show: v => v < 180),
        new("reopened_share_365", "{0:0%} of cases reopened this year (solution rejected)", "{0:0%} van de zaken heropend dit jaar (oplossing afgewezen)", Show: v => v >= 0.25),
        new("invoice_vs_usual_90", "An invoice {0:0.#}× the usual amount in the last 3 months", "Een factuur {0:0.#}× het gebruikelijke bedrag in de afgelopen 3 maanden", Show: v => v >= 1.5),
        new("reopened_90", "{0:0} case resolutions rejected in the last 90 days", "{0:0} keer een oplossing afgewezen in de afgelopen 90 dagen"),
    ];

    public static readonly string[] Names = All.Select(f => f.Name).ToArray();

    public static int Count => All.Length;

    public static int IndexOf(string name)
    {
        var index = Array.IndexOf(Names, name);
        return index >= 0 ? index : throw new KeyNotFoundException($"Unknown feature '{name}'.");
    }
}
