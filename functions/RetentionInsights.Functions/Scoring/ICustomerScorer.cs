using RetentionInsights.Data.Records;
using RetentionInsights.Scoring;

namespace RetentionInsights.Functions.Scoring;

/// <summary>
/// What the engine says about one customer, in the shape the service writes back. <see cref="AlertEvaluated"/> is false
/// when no early-warning evaluation ran: then the stored early-warning level is left as it is.
/// </summary>
public sealed record ScoringOutcome(ContactScores Scores, IReadOnlyList<ProposedOffer> Offers, ProposedAlert? Alert, bool AlertEvaluated = false,
    ScoreStatus Status = ScoreStatus.Scored);

/// <summary>An offer of the top 3; <see cref="TalkingPoint"/> is the rtn_talkingpoint JSON (why it fits, in any language).</summary>
public sealed record ProposedOffer(Guid OfferId, int Rank, double AcceptanceProbability, decimal ExpectedValue, string Reason, int? Channel,
    string? TalkingPoint = null, double? ChurnReduction = null);

/// <summary>An early-warning alert: level (choice), the human-readable signals (one per line), due-by time.</summary>
public sealed record ProposedAlert(int Level, string Signals, double? Sentiment, DateTime DueBy);

/// <summary>
/// The seam between the service and the scoring engine (functions/RetentionInsights.Scoring): scores customers with the
/// champion models. An entry is null when no champion model exists yet (nothing can be scored until one is trained).
/// </summary>
public interface ICustomerScorer
{
    Task<string?> GetChampionVersionAsync(CancellationToken cancellationToken);

    /// <summary>Whether the champion is what scores (see <see cref="ScorerHealth"/>); loads it if needed.</summary>
    Task<ScorerHealth> GetHealthAsync(IReadOnlyList<OfferRecord> catalogue, CancellationToken cancellationToken) =>
        Task.FromResult(new ScorerHealth(true, null, null, null));

    /// <summary>Scores <paramref name="histories"/> as of <paramref name="asOf"/>; answers to offers given before
    /// <paramref name="answersKnownAt"/> hold offers back even when it is later than <paramref name="asOf"/>; an earlier one counts as <paramref name="asOf"/> (see OfferContext.AnswersKnownAt).
    /// With <paramref name="modelVersion"/> (a batch's version, taken when it started) that version scores, champion or not, so a
    /// promotion halfway through a batch does not leave it scored by two models; when that version cannot be loaded, the champion scores.</summary>
    Task<IReadOnlyList<ScoringOutcome?>> ScoreAsync(IReadOnlyList<CustomerHistory> histories, IReadOnlyList<OfferRecord> catalogue, DateTime asOf,
        DateTime answersKnownAt, CancellationToken cancellationToken, string? modelVersion = null);
}

/// <summary>
/// The truth about scoring for /api/health: <see cref="Healthy"/> only when the champion itself is loaded. No loadable model
/// (nothing trained, an empty or damaged champion pointer, an unloadable model) or a fallback to an earlier champion is
/// degraded, with the reason in words an admin can act on. <see cref="LearnedFrom"/>: the first date the loaded model learned
/// from (its earliest training snapshot); before it the model knows nothing, so no replay starts there.
/// </summary>
public sealed record ScorerHealth(bool Healthy, string? Reason, string? Champion, string? Loaded, DateTime? LearnedFrom = null);
