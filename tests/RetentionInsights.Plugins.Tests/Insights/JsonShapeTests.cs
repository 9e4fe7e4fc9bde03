using RetentionInsights.Plugins.Insights;

namespace RetentionInsights.Plugins.Tests.Insights;

public sealed class JsonShapeTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData(" {\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"é ü 😀\"}} ")]
    [InlineData("{\"odd key with spaces\":1.5e3,\"\":\"empty key\"}")]
    public void IsObject_WellFormedObject_IsTrue(string json) => Assert.True(JsonShape.IsObject(json));

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1}}")]
    [InlineData("{a:1}")]
    [InlineData("<html/>")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":\"bad \\x escape\"}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{} {}")]
    [InlineData(null)]
    [InlineData("")]
    public void IsObject_AnythingElse_IsFalse(string? json) => Assert.False(JsonShape.IsObject(json));

    [Fact]
    public void IsObject_NestingDeeperThanTheLimit_IsFalseWithoutOverflowingTheStack()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000);

        Assert.False(JsonShape.IsObject(deep));
    }
}
