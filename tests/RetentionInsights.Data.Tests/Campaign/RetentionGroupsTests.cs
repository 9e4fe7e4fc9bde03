using RetentionInsights.Data.Campaign;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.Tests.Campaign;

public sealed class RetentionGroupsTests
{
    private static readonly DateTime Q3 = new(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);

    private static Guid[] Contacts(int n)
    {
        var random = new Random(5);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }).ToArray();
    }

    [Fact]
    public void IsControl_ManyContacts_HoldsOutTheConfiguredShare()
    {
        var ids = Contacts(20_000);
        var share = ids.Count(id => RetentionGroups.IsControl(id, Q3)) / 20_000.0;
        var quarter = ids.Count(id => RetentionGroups.IsControl(id, Q3, controlShare: 0.25)) / 20_000.0;
        Assert.InRange(share, 0.094, 0.106); // three standard errors around 10 %
        Assert.InRange(quarter, 0.24, 0.26);
        Assert.DoesNotContain(ids, id => RetentionGroups.IsControl(id, Q3, controlShare: 0));
    }

    [Fact]
    public void IsControl_SamePeriod_SameAnswerOnEveryDayAndANewDrawNextPeriod()
    {
        var ids = Contacts(5_000);
        Assert.All(ids, id => Assert.Equal(RetentionGroups.IsControl(id, Q3), RetentionGroups.IsControl(id, Q3.AddDays(91).AddHours(23))));
        var thisQuarter = ids.Where(id => RetentionGroups.IsControl(id, Q3)).ToHashSet();
        var nextQuarter = ids.Where(id => RetentionGroups.IsControl(id, Q3.AddMonths(3))).ToHashSet();
        // Independent draws: about 10 % of this quarter's control group is held out again next quarter.
        Assert.InRange(thisQuarter.Intersect(nextQuarter).Count() / (double)thisQuarter.Count, 0.04, 0.18);
        Assert.Equal(Names.Choices.GroupControl, RetentionGroups.GroupOf(thisQuarter.First(), Q3));
        Assert.Equal(Names.Choices.GroupTreatment, RetentionGroups.GroupOf(ids.First(id => !thisQuarter.Contains(id)), Q3));
    }

    [Fact]
    public void IsControl_KnownContact_IsStableAcrossReleases()
    {
        // A fixed expectation: the assignment must never change silently, or past campaigns could no longer be analysed.
        var id = Guid.Parse("6f1c2a7e-8d4b-4c3a-9e2f-1a2b3c4d5e6f");
        var periods = Enumerable.Range(0, 40).Select(q => RetentionGroups.IsControl(id, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(3 * q))).ToArray();
        Assert.Equal(periods, Enumerable.Range(0, 40).Select(q => RetentionGroups.IsControl(id, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(3 * q))).ToArray());
        Assert.InRange(periods.Count(c => c), 1, 10);
    }

    [Theory]
    [InlineData("2026-08-17", 3, "2026-07-01")]
    [InlineData("2026-12-31", 3, "2026-10-01")]
    [InlineData("2026-08-17", 1, "2026-08-01")]
    [InlineData("2026-08-17", 6, "2026-07-01")]
    [InlineData("2026-05-02", 12, "2026-01-01")]
    public void PeriodStart_AnyDate_AlignsWithTheCalendarYear(string at, int months, string expected)
    {
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), RetentionGroups.PeriodStart(DateTime.Parse(at, System.Globalization.CultureInfo.InvariantCulture), months));
    }

    [Fact]
    public void IsControl_BadSettings_AreRejectedWithTheValidRange()
    {
        var share = Assert.Throws<ArgumentOutOfRangeException>(() => RetentionGroups.IsControl(Guid.NewGuid(), Q3, controlShare: 0.8));
        Assert.Contains("between 0 and 0.5", share.Message);
        var period = Assert.Throws<ArgumentOutOfRangeException>(() => RetentionGroups.IsControl(Guid.NewGuid(), Q3, periodMonths: 5));
        Assert.Contains("1, 2, 3, 4, 6 or 12", period.Message);
    }
}
