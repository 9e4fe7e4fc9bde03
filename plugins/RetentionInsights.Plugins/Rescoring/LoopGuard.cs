using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Configuration;

namespace RetentionInsights.Plugins.Rescoring
{
    /// <summary>
    /// Stops the rescoring loop: the scoring service writes scores back, and those writes must not trigger another
    /// rescore. Filtering attributes keep score-only updates away already; this guard covers every other write the
    /// service makes and events chained by other plug-ins.
    /// </summary>
    public static class LoopGuard
    {
        public static RescoreOutcome? Check(IPluginExecutionContext context, RescoreConfiguration configuration, ScoringServiceIdentity identity)
        {
            if (context.Depth > configuration.MaxDepth)
            {
                return RescoreOutcome.SkippedDepth;
            }

            var serviceUser = identity.UserId;
            if (serviceUser != System.Guid.Empty && (context.InitiatingUserId == serviceUser || context.UserId == serviceUser))
            {
                return RescoreOutcome.SkippedOwnWrite;
            }

            var serviceApplication = identity.ApplicationId;
            if (serviceApplication != System.Guid.Empty
                && context is IPluginExecutionContext2 newer
                && newer.InitiatingUserApplicationId == serviceApplication)
            {
                return RescoreOutcome.SkippedOwnWrite;
            }

            return null;
        }
    }
}
