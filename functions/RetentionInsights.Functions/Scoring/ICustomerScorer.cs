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
    string? TalkingPoint = null);

/// <summary>An early-warning alert: level (choice), the human-readable signals (one per line), due-by time.</summary>
public sealed record ProposedAlert(int Level, string Signals, double? Sentiment, DateTime DueBy);

/// <summary>
/// The seam between the service and the scoring engine (functions/RetentionInsights.Scoring): scores customers with the
/// champion models. An entry is null when no champion model exists yet (nothing can be scored until one is trained).
/// </summary>
public interface ICustomerScorer
{
    Task<string?> GetChampionVersionAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ScoringOutcome?>> ScoreAsync(IReadOnlyList<CustomerHistory> histories, IReadOnlyList<OfferRecord> catalogue, DateTime asOf,
        CancellationToken cancellationToken);
}
