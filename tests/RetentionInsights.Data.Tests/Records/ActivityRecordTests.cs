using RetentionInsights.Data.Records;

namespace RetentionInsights.Data.Tests.Records;

public sealed class ActivityRecordTests
{
    public static TheoryData<string?, string?> SubjectsAndBodies => new()
    {
        { null, null },
        { "", " " },
        { " \n", null },
        { "URGENT: meter reading", null },
        { null, "The bill is wrong." },
        { "  ", "The bill is wrong." },
        { "Bill", "\t" },
        { "Bill", "The bill is wrong." },
    };

    [Theory]
    [MemberData(nameof(SubjectsAndBodies))]
    public void HasMessageText_SaysWhetherTheJoinedMessageTextHasText(string? subject, string? body)
    {
        var activity = new ActivityRecord(Guid.NewGuid(), Guid.NewGuid(), ActivityKind.Email, false, subject, body, new DateTime(2026, 11, 1), null);

        Assert.Equal(!string.IsNullOrWhiteSpace(activity.MessageText), activity.HasMessageText);
    }
}
