namespace RetentionInsights.Plugins.Rescoring
{
    /// <summary>What one RescoreTrigger execution did; traced, and asserted by the tests.</summary>
    public enum RescoreOutcome
    {
        /// <summary>The context was posted to the scoring service's webhook.</summary>
        Posted,

        /// <summary>Skipped: raised by another plug-in or workflow deeper than the configured depth.</summary>
        SkippedDepth,

        /// <summary>Skipped: the change was written by the scoring service itself.</summary>
        SkippedOwnWrite,

        /// <summary>Skipped: the record belongs to no contact (e.g. an account without a primary contact).</summary>
        SkippedNoContact,

        /// <summary>Skipped: an offer recommendation changed to a status that is not a customer's answer.</summary>
        SkippedNotAResponse,
    }
}
