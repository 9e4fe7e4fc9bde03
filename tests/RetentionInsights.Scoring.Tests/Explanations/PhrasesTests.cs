using System.Text.Json;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Scoring.Explanations;

namespace RetentionInsights.Scoring.Tests.Explanations;

public sealed class PhrasesTests
{
    private static string Reason(string code, string language, params (string, double)[] parameters) =>
        Phrases.Render(PhraseSection.Reasons, Phrase.Of(code, parameters), language);

    [Fact]
    public void Render_OneComplaint_UsesSingular()
    {
        Assert.Equal("1 complaint in the last 30 days", Reason("complaints", "en", ("count", 1), ("days", 30)));
        Assert.Equal("1 klacht in de afgelopen 30 dagen", Reason("complaints", "nl", ("count", 1), ("days", 30)));
        Assert.Equal("3 complaints in the last 90 days", Reason("complaints", "en", ("count", 3), ("days", 90)));
    }

    [Fact]
    public void Render_NewCustomer_SaysNewInsteadOfZeroYears()
    {
        Assert.Equal("New customer (joined this month)", Reason("short_tenure", "en", ("months", 0)));
        Assert.Equal("Pas 7 maanden klant", Reason("short_tenure", "nl", ("months", 7)));
    }

    [Fact]
    public void Render_DutchDecimal_UsesComma()
    {
        Assert.Equal("Lage tevredenheid over recente zaken (2,5 van 5)", Reason("low_satisfaction", "nl", ("score", 2.5)));
        Assert.Equal("Low satisfaction with recent cases (2.5 out of 5)", Reason("low_satisfaction", "en", ("score", 2.5)));
    }

    [Fact]
    public void Render_MissingParameter_Throws() =>
        Assert.Throws<ArgumentException>(() => Reason("complaints", "en", ("count", 2)));

    [Fact]
    public void Render_UnknownLanguage_Throws() =>
        Assert.Throws<ArgumentException>(() => Reason("variable_contract", "de"));

    [Fact]
    public void Catalogue_EveryPhrase_RendersInBothLanguagesWithEveryPluralForm()
    {
        foreach (var section in Enum.GetValues<PhraseSection>())
        {
            foreach (var code in Phrases.Codes(section))
            {
                foreach (var n in new[] { 0.0, 1, 2, 14 })
                {
                    var parameters = new Dictionary<string, double> { ["count"] = n, ["days"] = n, ["months"] = n, ["years"] = n, ["percent"] = 12, ["ratio"] = 2.5, ["score"] = 2 };
                    var en = Phrases.Render(section, new Phrase(code, parameters), "en");
                    var nl = Phrases.Render(section, new Phrase(code, parameters), "nl");
                    Assert.DoesNotContain("{", en + nl);
                    Assert.NotEqual(en, nl);
                }
            }
        }
    }

    [Fact]
    public void Catalogue_ReasonCodes_MatchTheChoiceInDatamodel()
    {
        var choice = DataModel.Current.ChoiceSet("rtn_churnreasoncode");
        var codes = Phrases.Codes(PhraseSection.Reasons);
        Assert.Equal(choice.Options.Select(o => o.Value).Order(), codes.Select(Phrases.ReasonValue).Order());
        Assert.Equal(codes.Count, codes.Select(Phrases.ReasonValue).Distinct().Count());
    }

    [Fact]
    public void Catalogue_ControlCopy_IsIdenticalToTheEngineCatalogue()
    {
        // The PCF control renders from a generated TS copy; diverging copies would make the panel and the text columns disagree.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Extension.sln")))
            root = root.Parent ?? throw new InvalidOperationException("Extension.sln not found above the test's base directory.");
        var generated = File.ReadAllText(Path.Combine(root.FullName, "pcf-controls/RetentionInsightsPanel/RetentionInsightsPanel/model/phrases.generated.ts"));
        var json = generated[generated.IndexOf('{')..(generated.LastIndexOf('}') + 1)];
        using var control = JsonDocument.Parse(json);
        using var engine = JsonDocument.Parse(Phrases.RawJson());
        Assert.Equal(JsonSerializer.Serialize(engine.RootElement), JsonSerializer.Serialize(control.RootElement));
    }
}
