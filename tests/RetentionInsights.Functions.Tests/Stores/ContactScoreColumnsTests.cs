using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Stores;

namespace RetentionInsights.Functions.Tests.Stores;

public sealed class ContactScoreColumnsTests
{
    [Fact]
    public void All_AreExactlyTheContactColumnsTheDataModelMarksAsScores()
    {
        var marked = DataModel.Current.Table(Names.Contact.Table).Columns.Where(c => c.Score).Select(c => c.Name).Order().ToList();

        Assert.Equal(marked, ContactScoreColumns.All.Order().ToList());
        Assert.Equal(ContactScoreColumns.All.Count, ContactScoreColumns.All.Distinct().Count());
    }
}
