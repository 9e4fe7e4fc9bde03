using Microsoft.Extensions.Configuration;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Hosting;

namespace RetentionInsights.Functions.Tests.Hosting;

public sealed class ServiceOptionsLoaderTests
{
    private static ServiceOptions Load(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var options = new ServiceOptions();
        ServiceOptionsLoader.Load(configuration, options);
        return options;
    }

    [Fact]
    public void MaxConcurrentEvents_NotSet_IsTheCoresWithTheLocalOrgAndNoLimitWithDataverse()
    {
        Assert.Equal(Environment.ProcessorCount, Load(("Retention:LocalOrgPath", "org.db")).EventsAtOnce);
        Assert.Equal(0, Load(("Retention:DataverseUrl", "https://contoso.crm4.dynamics.com")).EventsAtOnce);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("0", 0)]
    [InlineData("64", 64)]
    public void MaxConcurrentEvents_Set_IsTheLimitWhateverTheStore(string value, int expected)
    {
        Assert.Equal(expected, Load(("Retention:LocalOrgPath", "org.db"), ("Retention:MaxConcurrentEvents", value)).EventsAtOnce);
        Assert.Equal(expected, Load(("Retention:DataverseUrl", "https://contoso.crm4.dynamics.com"), ("Retention:MaxConcurrentEvents", value)).EventsAtOnce);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("1.5")]
    [InlineData("1025")]
    public void MaxConcurrentEvents_NotAWholeNumberFrom0To1024_IsAnErrorNamingTheSetting(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Load(("Retention:MaxConcurrentEvents", value)));

        Assert.Contains("Retention:MaxConcurrentEvents", error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }
}
