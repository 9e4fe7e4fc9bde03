using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Endpoints;

[Collection(ServiceTests.Name)]
public sealed class LoggingTests(ServiceFixture fixture)
{
    private sealed class Capture : ILoggerProvider
    {
        public readonly List<string> Lines = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Capture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Lines)
                    owner.Lines.Add($"{category}: {formatter(state, exception)}");
            }
        }
    }

    [Fact]
    public async Task Webhook_WithKeyInQueryString_NeverWritesTheKeyOrTheCustomersNameToTheLogs()
    {
        var capture = new Capture();
        using var app = new TestApp(fixture, services: s => s.AddSingleton<ILoggerProvider>(capture));
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        var name = OrgSql.Scalar<string>(app.DbPath, "SELECT fullname FROM contact WHERE contactid = $id", ("$id", contact.ToString("D")))!;

        (await app.CreateClient().SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "x"))))
            .EnsureSuccessStatusCode();

        List<string> lines;
        lock (capture.Lines)
            lines = capture.Lines.ToList();
        Assert.Contains(lines, l => l.Contains(contact.ToString(), StringComparison.Ordinal)); // the event was logged, by id
        Assert.DoesNotContain(lines, l => l.Contains(TestApp.Key, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(name, StringComparison.Ordinal));
    }
}
