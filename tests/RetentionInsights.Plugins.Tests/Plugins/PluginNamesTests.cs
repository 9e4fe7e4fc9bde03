using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Plugins.Tests.Plugins;

/// <summary>The plug-ins carry their own name constants (no datamodel.json in the sandbox); they must not drift.</summary>
public sealed class PluginNamesTests
{
    private static readonly DataModel Model = DataModel.Current;

    [Theory]
    [InlineData(PluginNames.Contact.Table, PluginNames.Contact.Id)]
    [InlineData(PluginNames.Incident.Table, PluginNames.Incident.Customer)]
    [InlineData(PluginNames.SalesOrder.Table, PluginNames.SalesOrder.Customer)]
    [InlineData(PluginNames.Invoice.Table, PluginNames.Invoice.Customer)]
    [InlineData(PluginNames.Contact.Table, PluginNames.Contact.ChurnProbability)]
    [InlineData(PluginNames.OfferRecommendation.Table, PluginNames.OfferRecommendation.Contact)]
    [InlineData(PluginNames.OfferRecommendation.Table, PluginNames.OfferRecommendation.Status)]
    [InlineData(PluginNames.Activity.Email, PluginNames.Activity.Regarding)]
    [InlineData(PluginNames.Activity.PhoneCall, PluginNames.Activity.Regarding)]
    public void Constant_TableAndColumn_ExistInTheDataModel(string table, string column)
    {
        Assert.True(Model.Table(table).HasColumn(column), $"{table}.{column} is not in datamodel.json.");
    }

    [Fact]
    public void TriggerCatalogue_CustomerColumnOfEveryTable_IsTheDataModelsCustomerLookup()
    {
        // The plug-in finds the customer where the service looks for it: both follow datamodel.json's customerLookup.
        foreach (var trigger in RetentionInsights.Plugins.Rescoring.TriggerCatalogue.All)
        {
            var expected = trigger.Table == PluginNames.Contact.Table ? null : Model.Table(trigger.Table).CustomerLookup;
            Assert.True(trigger.Table == PluginNames.Contact.Table || expected is not null, $"{trigger.Table} has no customerLookup in datamodel.json.");
            Assert.Equal(expected, trigger.CustomerColumn);
        }
    }

    [Fact]
    public void Constant_ContactIdSharedVariable_IsTheKeyTheServiceReads() =>
        Assert.Equal(PluginNames.ContactIdSharedVariable, RetentionInsights.Functions.Events.EventCustomerResolver.SharedVariableName);

    [Fact]
    public void Constant_AccessCheckColumn_IsAColumnSecuredScoreColumn()
    {
        // Column security covers exactly the score columns, so reading this one as the caller tells whether the caller may see scores.
        Assert.True(Model.Table(PluginNames.Contact.Table).Column(PluginNames.Contact.ChurnProbability).Score);
    }

    [Fact]
    public void Constant_ContactId_IsThePrimaryKeyOfContact()
    {
        Assert.Equal(PluginNames.Contact.Id, Model.Table(PluginNames.Contact.Table).PrimaryId);
    }

    [Theory]
    [InlineData(PluginNames.Incident.Table, PluginNames.Incident.Customer)]
    [InlineData(PluginNames.SalesOrder.Table, PluginNames.SalesOrder.Customer)]
    [InlineData(PluginNames.Invoice.Table, PluginNames.Invoice.Customer)]
    public void Constant_CustomerLookup_TargetsContactAndAccount(string table, string column)
    {
        var definition = Model.Table(table).Column(column);

        Assert.Equal(ColumnType.Customer, definition.Type);
        Assert.Contains(PluginNames.Contact.Table, definition.Targets!);
        Assert.Contains(PluginNames.Account.Table, definition.Targets!);
    }

    [Fact]
    public void Constant_RecommendationStatuses_AreTheAcceptedAndDeclinedChoiceValues()
    {
        var status = Model.Table(PluginNames.OfferRecommendation.Table).Column(PluginNames.OfferRecommendation.Status);
        var options = Model.ChoiceSet(status.Choice!).Options;

        Assert.Equal(PluginNames.OfferRecommendation.StatusAccepted, options.Single(o => o.Label == "Accepted").Value);
        Assert.Equal(PluginNames.OfferRecommendation.StatusDeclined, options.Single(o => o.Label == "Declined").Value);
    }

    [Fact]
    public void Constant_SharedVariableKey_IsTheContactLookupNameTheServiceReads()
    {
        Assert.Equal(Names.OfferRecommendation.Contact, PluginNames.ContactIdSharedVariable);
    }
}
