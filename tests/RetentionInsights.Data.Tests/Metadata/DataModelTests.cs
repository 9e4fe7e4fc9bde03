using System.Reflection;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.Tests.Metadata;

public class DataModelTests
{
    [Fact]
    public void Current_LoadsAllProductTables()
    {
        var names = DataModel.Current.Tables.Select(t => t.LogicalName).ToHashSet();
        foreach (var expected in new[] { "contact", "salesorder", "salesorderdetail", "invoice", "incident", "email", "phonecall",
                     "rtn_usagereading", "rtn_offer", "rtn_offerrecommendation", "rtn_retentionalert" })
        {
            Assert.Contains(expected, names);
        }
    }

    [Fact]
    public void NameConstants_AllExistInDataModel()
    {
        var model = DataModel.Current;
        foreach (var nested in typeof(Names).GetNestedTypes().Where(t => t.Name is not "Choices" and not "Standard"))
        {
            var table = (string)nested.GetField("Table")!.GetValue(null)!;
            foreach (var field in nested.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.Name != "Table"))
            {
                var column = (string)field.GetValue(null)!;
                Assert.True(model.Table(table).HasColumn(column), $"Names.{nested.Name}.{field.Name} = '{column}' is not a column of {table}");
            }
        }
    }

    [Fact]
    public void ChoiceConstants_AllExistInDataModel()
    {
        var allValues = DataModel.Current.Choices.SelectMany(c => c.Options).Select(o => o.Value).ToHashSet();
        foreach (var field in typeof(Names.Choices).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            Assert.Contains((int)field.GetValue(null)!, allValues);
        }
    }

    [Fact]
    public void Parse_ChoiceWithoutPrefix_IsRejectedWithClearMessage()
    {
        const string json = """
            { "solution": { "uniqueName": "X", "displayName": "X", "publisherPrefix": "rtn", "optionValuePrefix": 47150 },
              "choices": [ { "name": "rtn_band", "displayName": "Band", "options": [ { "value": 1, "label": "Low" } ] } ],
              "tables": [] }
            """;
        var error = Assert.Throws<InvalidDataException>(() => DataModel.Parse(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))));
        Assert.Contains("option value prefix 47150", error.Message);
    }
}
