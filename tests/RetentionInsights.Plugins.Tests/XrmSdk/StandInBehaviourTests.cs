using Microsoft.Xrm.Sdk;
using Microsoft.Xrm.Sdk.Query;

namespace RetentionInsights.Plugins.Tests.XrmSdk;

/// <summary>
/// The plug-ins rely on documented behaviour of the official SDK types (contracts §1.6); the stand-in must behave
/// the same, or a test could pass here and the plug-in fail in Dataverse.
/// </summary>
public sealed class StandInBehaviourTests
{
    [Fact]
    public void EntityIndexer_MissingColumn_ThrowsKeyNotFound()
    {
        var entity = new Entity("contact", Guid.NewGuid());

        Assert.Throws<KeyNotFoundException>(() => entity["emailaddress1"]);
    }

    [Fact]
    public void GetAttributeValue_MissingOrNullColumn_ReturnsDefault()
    {
        var entity = new Entity("incident") { ["customerid"] = null };

        Assert.Null(entity.GetAttributeValue<EntityReference>("customerid"));
        Assert.Null(entity.GetAttributeValue<EntityReference>("parentcaseid"));
        Assert.Equal(0, entity.GetAttributeValue<int>("prioritycode"));
    }

    [Fact]
    public void GetAttributeValue_ValueOfAnotherType_ThrowsInvalidCast()
    {
        var entity = new Entity("incident") { ["casetypecode"] = new OptionSetValue(2) };

        Assert.Throws<InvalidCastException>(() => entity.GetAttributeValue<EntityReference>("casetypecode"));
    }

    [Fact]
    public void DataCollectionIndexer_SetExistingKey_ReplacesInsteadOfThrowing()
    {
        var parameters = new ParameterCollection { ["rtn_contactid"] = "a" };

        parameters["rtn_contactid"] = "b";

        Assert.Equal("b", parameters["rtn_contactid"]);
        Assert.Single(parameters);
        Assert.Throws<ArgumentException>(() => parameters.Add("rtn_contactid", "c"));
    }

    [Fact]
    public void ParameterCollectionTryGetValueOfT_WrongType_ReturnsFalse()
    {
        var parameters = new ParameterCollection { ["Target"] = new EntityReference("contact", Guid.NewGuid()) };

        Assert.False(parameters.TryGetValue<Entity>("Target", out _));
        Assert.True(parameters.TryGetValue<EntityReference>("Target", out var target));
        Assert.Equal("contact", target.LogicalName);
    }

    [Fact]
    public void EntityReferenceEquals_SameTableAndId_IsEqual()
    {
        var id = Guid.NewGuid();

        Assert.Equal(new EntityReference("contact", id) { Name = "A" }, new EntityReference("contact", id) { Name = "B" });
        Assert.NotEqual(new EntityReference("contact", id), new EntityReference("account", id));
    }

    [Fact]
    public void ToEntityReference_Row_PointsAtTheSameTableAndId()
    {
        var row = new Entity("salesorder", Guid.NewGuid());

        Assert.Equal(new EntityReference("salesorder", row.Id), row.ToEntityReference());
    }

    [Fact]
    public void ColumnSet_ParamsConstructor_KeepsColumnsInOrder()
    {
        var columns = new ColumnSet("customerid", "statecode");

        Assert.Equal(["customerid", "statecode"], columns.Columns);
        Assert.False(columns.AllColumns);
    }

    [Fact]
    public void InvalidPluginExecutionException_WithHttpStatus_KeepsMessageAndStatus()
    {
        var error = new InvalidPluginExecutionException("busy", PluginHttpStatusCode.TooManyRequests);

        Assert.Equal("busy", error.Message);
        Assert.Equal(PluginHttpStatusCode.TooManyRequests, error.HttpStatus);
        Assert.Equal(OperationStatus.Failed, error.Status);
    }
}
