using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Models;

namespace RetentionInsights.Functions.Functions;

/// <summary>Every week (app setting RTN_TRAIN_SCHEDULE, NCRONTAB): train a challenger and promote it if not worse.</summary>
public sealed class WeeklyTrain(ModelTrainingService training)
{
    [Function(nameof(WeeklyTrain))]
    public Task Run([TimerTrigger("%RTN_TRAIN_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        training.RunAsync(cancellationToken);
}
