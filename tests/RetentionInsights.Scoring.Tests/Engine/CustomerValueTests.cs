using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Scoring.Tests.Support;

namespace RetentionInsights.Scoring.Tests.Engine;

public sealed class CustomerValueTests
{
    private static readonly DateTime T = HistoryProducer.T;

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.30)]
    [InlineData(0.65)]
    public void Compute_ContractCustomer_PAliveAgreesWithRiskAnd36MonthsWorthMoreThan12(double churnProbability)
    {
        var history = new HistoryProducer().Order(T.AddYears(-1), T.AddYears(1).AddDays(-1), annual: 2000m).Build();
        var value = CustomerValue.Compute(history, T, churnProbability, 90, new ClvSettings());

        Assert.Equal(1 - churnProbability, value.PAlive, 6);
        Assert.True(value.Clv36m > value.Clv12m, $"36-month {value.Clv36m:0.00} ≤ 12-month {value.Clv12m:0.00}");
        Assert.True(value.ValueIfRetained36m > value.Clv36m);
        Assert.True(value.ValueIfRetained12m > value.Clv12m);
    }

    [Fact]
    public void Compute_HigherChurnRisk_LowersRiskAdjustedValueOnly()
    {
        var history = new HistoryProducer().Order(T.AddYears(-1), T.AddYears(1).AddDays(-1), annual: 2000m).Build();
        var safe = CustomerValue.Compute(history, T, 0.02, 90, new ClvSettings());
        var risky = CustomerValue.Compute(history, T, 0.40, 90, new ClvSettings());
        Assert.True(risky.Clv36m < safe.Clv36m);
        Assert.Equal(safe.ValueIfRetained36m, risky.ValueIfRetained36m, 6);
    }

    [Fact]
    public void Compute_ContractSignedButNotStarted_HasNoContractValueYet()
    {
        var history = new HistoryProducer().Build() with
        {
            Orders = [new Data.Records.OrderRecord(Guid.NewGuid(), Guid.NewGuid(), "Energiecontract", 2000m, null, null, null, null, 0, T.AddDays(-10))],
        };
        var value = CustomerValue.Compute(history, T, 0.1, 90, new ClvSettings());
        Assert.Equal(0, value.Clv36m);
        Assert.Equal(0, value.ValueIfRetained36m);
    }
}
