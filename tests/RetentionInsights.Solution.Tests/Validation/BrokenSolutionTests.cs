using System.Xml.Linq;
using RetentionInsights.Solution.Tests.Support;
using RetentionInsights.Solution.Validation;

namespace RetentionInsights.Solution.Tests.Validation;

/// <summary>Each test breaks one thing in the freshly packed zip on purpose; the validator must name it.</summary>
[Collection(PackedSolutionCollection.Name)]
public sealed class BrokenSolutionTests(PackedSolution packed)
{
    private const string Customizations = "customizations.xml";

    private ValidationReport Broken(Action<XDocument> change, string entry = Customizations, string? fileName = null) =>
        PackedSolution.Validator().Validate(ZipEditor.WithXmlChange(packed.UnmanagedZip, entry, change, fileName));

    private static XElement View(XDocument customizations, string name) =>
        customizations.Descendants("savedquery").Single(q => q.Element("LocalizedNames")!.Elements().Any(n => (string)n.Attribute("description")! == name));

    [Fact]
    public void Validate_ViewColumnThatDoesNotExist_ReportsTheColumnAndTheView()
    {
        var report = Broken(doc =>
        {
            var view = View(doc, "At risk, high value");
            view.Descendants("cell").First(c => (string)c.Attribute("name")! == "rtn_clv36m").SetAttributeValue("name", "rtn_clv48m");
            view.Descendants("attribute").First(a => (string)a.Attribute("name")! == "rtn_clv36m").SetAttributeValue("name", "rtn_clv48m");
        });

        var errors = report.Errors.Where(e => e.Code == "reference").ToList();
        Assert.Contains(errors, e => e.Message.Contains("'rtn_clv48m'", StringComparison.Ordinal) && e.Message.Contains("At risk, high value", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_LayoutColumnNotFetched_ReportsAnEmptyColumn()
    {
        var report = Broken(doc => View(doc, "At risk, high value").Descendants("attribute").First(a => (string)a.Attribute("name")! == "rtn_scoredon").Remove());

        Assert.Contains(report.Errors, e => e.Message.Contains("'rtn_scoredon' is not fetched", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ViewFilterOnAChoiceValueThatIsNotAnOption_ReportsTheValue()
    {
        var report = Broken(doc => View(doc, "At risk, high value").Descendants("value").First().Value = "471500009");

        Assert.Contains(report.Errors, e => e.Message.Contains("471500009", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_LinkedColumnThatDoesNotExist_ReportsTheLinkedTable()
    {
        var report = Broken(doc =>
        {
            var view = View(doc, "Open retention alerts");
            view.Descendants("link-entity").Single().Element("attribute")!.SetAttributeValue("name", "rtn_riskband");
            view.Descendants("cell").Single(c => (string)c.Attribute("name")! == "customer.rtn_churnriskband").SetAttributeValue("name", "customer.rtn_riskband");
        });

        Assert.Contains(report.Errors, e => e.Message.Contains("'rtn_riskband', which does not exist on 'contact'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PcfPropertyBoundToAColumnOfTheWrongType_ReportsATypeMismatch()
    {
        var report = Broken(doc =>
        {
            foreach (var parameter in doc.Descendants("customControl").Elements("parameters").Elements("rtn_clv12m"))
                parameter.Value = "rtn_modelversion";
        });

        Assert.Contains(report.Errors, e => e.Code == "type-mismatch" && e.Message.Contains("'rtn_clv12m'", StringComparison.Ordinal) && e.Message.Contains("Currency", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_FormParameterTheControlDoesNotDeclare_ReportsIt()
    {
        var report = Broken(doc =>
        {
            foreach (var parameters in doc.Descendants("customControl").Where(c => c.Attribute("name") is not null).Elements("parameters"))
                parameters.Add(new XElement("rtn_mood", "rtn_churnreasons"));
        });

        Assert.Contains(report.Errors, e => e.Code == "pcf-binding" && e.Message.Contains("'rtn_mood'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_StepFilteringAttributeThatDoesNotExist_ReportsTheStep()
    {
        var report = Broken(doc =>
        {
            var step = doc.Descendants("SdkMessageProcessingStep").First(s => s.Element("FilteringAttributes")!.Value.Length > 0 && s.Element("PrimaryEntity")!.Value == "contact");
            step.Element("FilteringAttributes")!.Value += ",rtn_churnmood";
        });

        Assert.Contains(report.Errors, e => e.Message.Contains("filtering attribute", StringComparison.Ordinal) && e.Message.Contains("'rtn_churnmood'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ImageAttributeThatDoesNotExist_ReportsTheImage()
    {
        var report = Broken(doc => doc.Descendants("SdkMessageProcessingStepImage").First(i => i.Parent!.Parent!.Element("PrimaryEntity")!.Value == "rtn_offerrecommendation")
            .Element("Attributes")!.Value = "rtn_contactid,rtn_state");

        Assert.Contains(report.Errors, e => e.Message.Contains("image", StringComparison.Ordinal) && e.Message.Contains("'rtn_state'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ChoiceValueWithoutThePublisherPrefix_ReportsTheChoice()
    {
        var report = Broken(doc => doc.Root!.Element("optionsets")!.Elements("optionset").First().Descendants("option").First().SetAttributeValue("value", "100000000"));

        Assert.Contains(report.Errors, e => e.Code == "choice-prefix" && e.Message.Contains("100000000", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RoleWithoutRootComponent_ReportsTheRole()
    {
        var report = Broken(doc => doc.Descendants("RootComponent").First(r => (string)r.Attribute("type")! == "20").Remove(), "solution.xml");

        Assert.Contains(report.Errors, e => e.Code == "root-component" && e.Message.Contains("security role", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RootComponentWithoutDefinition_ReportsIt()
    {
        var report = Broken(doc => doc.Descendants("RootComponents").Single().Add(
            new XElement("RootComponent", new XAttribute("type", 1), new XAttribute("schemaName", "rtn_ghost"), new XAttribute("behavior", 0))), "solution.xml");

        Assert.Contains(report.Errors, e => e.Code == "root-component" && e.Message.Contains("rtn_ghost", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ManagedNameWithUnmanagedManifest_ReportsTheManagedFlag()
    {
        var package = ZipEditor.WithChange(packed.UnmanagedZip, _ => { }, "RetentionInsights_1_0_0_0_managed.zip");

        var report = PackedSolution.Validator().Validate(package);

        Assert.Contains(report.Errors, e => e.Code == "managed-flag");
    }

    [Fact]
    public void Validate_ExpectingManagedButGivenUnmanaged_ReportsTheManagedFlag()
    {
        var report = PackedSolution.Validator(expectManaged: true).Validate(packed.UnmanagedZip);

        Assert.Contains(report.Errors, e => e.Code == "managed-flag");
    }

    [Fact]
    public void Validate_KnownSchemaElementWithInvalidValue_IsAnErrorNotAWarning()
    {
        var report = Broken(doc => doc.Descendants("Role").First().Element("IsCustomizable")!.Value = "maybe");

        Assert.Contains(report.Errors, e => e.Code == "xsd" && e.Message.Contains("IsCustomizable", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ElementUnknownToTheSchema_IsOnlyAWarning()
    {
        var report = Broken(doc => doc.Descendants("Role").First().Add(new XElement("IsInheritedFromFuture", 1)));

        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
        Assert.Contains(report.Warnings, w => w.Code == "xsd-newer" && w.Message.Contains("<IsInheritedFromFuture>", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_InvalidValueAfterANewerElement_IsStillFound()
    {
        // .NET stops checking a parent after the first unexpected child; the tolerant pass must look past it.
        var report = Broken(doc =>
        {
            var role = doc.Descendants("Role").First();
            role.AddFirst(new XElement("IsInheritedFromFuture", 1));
            role.Element("IsCustomizable")!.Value = "maybe";
        });

        Assert.Contains(report.Errors, e => e.Code == "xsd" && e.Message.Contains("IsCustomizable", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_FieldPermissionOnUnsecuredColumn_ReportsColumnSecurity()
    {
        var report = Broken(doc => doc.Descendants("attributes").Elements("attribute").First(a => a.Element("LogicalName")!.Value == "rtn_clv12m").Element("IsSecured")!.Value = "0");

        Assert.Contains(report.Errors, e => e.Code == "field-security" && e.Message.Contains("rtn_clv12m", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PrivilegeForATableTheSolutionLacks_ReportsTheRole()
    {
        var report = Broken(doc => doc.Descendants("RolePrivilege").First().AddAfterSelf(new XElement("RolePrivilege", new XAttribute("name", "prvReadrtn_offers"), new XAttribute("level", "Global"))));

        Assert.Contains(report.Errors, e => e.Message.Contains("prvReadrtn_offers", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PluginDllMissingFromZip_ReportsTheLayout()
    {
        var package = ZipEditor.WithChange(packed.UnmanagedZip, entries =>
            entries.Remove(entries.Keys.Single(k => k.EndsWith(".dll", StringComparison.Ordinal))));

        var report = PackedSolution.Validator().Validate(package);

        Assert.Contains(report.Errors, e => e.Code == "layout" && e.Message.Contains("RetentionInsights.Plugins.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SecretVariableShippingAValue_ReportsIt()
    {
        var package = ZipEditor.WithChange(packed.UnmanagedZip, entries =>
            entries["environmentvariabledefinitions/rtn_ScoringApiKey/environmentvariablevalues.json"] = "{}"u8.ToArray());

        var report = PackedSolution.Validator().Validate(package);

        Assert.Contains(report.Errors, e => e.Code == "envvar" && e.Message.Contains("Secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_StepRunningATypeNoAssemblyDefines_ReportsTheStep()
    {
        var report = Broken(doc => doc.Descendants("SdkMessageProcessingStep").First().Element("PluginTypeId")!.Value = Guid.NewGuid().ToString());

        Assert.Contains(report.Errors, e => e.Code == "reference" && e.Message.Contains("plug-in type", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WebhookWithPlainHttpUrl_ReportsIt()
    {
        var report = Broken(doc => doc.Descendants("ServiceEndpoint").Single().Element("Url")!.Value = "http://scoring.example.com/api/dataverse/events");

        Assert.Contains(report.Errors, e => e.Code == "service-endpoint" && e.Message.Contains("https", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_StepConfiguredForAnEndpointNotShipped_Warns()
    {
        var report = Broken(doc =>
        {
            var configuration = doc.Descendants("SdkMessageProcessingStep").First().Element("Configuration")!;
            var endpointId = (string)doc.Descendants("ServiceEndpoint").Single().Attribute("ServiceEndpointId")!;
            configuration.Value = configuration.Value.Replace(endpointId.Trim('{', '}'), "00000000-0000-0000-0000-000000000001", StringComparison.OrdinalIgnoreCase);
        });

        Assert.Contains(report.Warnings, w => w.Code == "service-endpoint" && w.Message.Contains("00000000-0000-0000-0000-000000000001", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PackedWebhook_WarnsThatTheUrlIsAPlaceholderToSetAfterImport()
    {
        var report = PackedSolution.Validator().Validate(packed.ManagedZip);

        Assert.Contains(report.Warnings, w => w.Code == "service-endpoint" && w.Message.Contains("after import", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ZipNamedForAnotherVersion_ReportsTheVersion()
    {
        var package = ZipEditor.WithChange(packed.ManagedZip, _ => { }, "RetentionInsights_9_9_0_0_managed.zip");

        var report = PackedSolution.Validator().Validate(package);

        Assert.Contains(report.Errors, e => e.Code == "manifest" && e.Message.Contains("9.9.0.0", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RelationshipOnAColumnThatIsNotALookup_ReportsIt()
    {
        var report = Broken(doc => doc.Descendants("EntityRelationship").First(r => r.Element("ReferencingAttributeName")!.Value == "rtn_offerid")
            .Element("ReferencingAttributeName")!.Value = "rtn_rank");

        Assert.Contains(report.Errors, e => e.Code == "type-mismatch" && e.Message.Contains("rtn_rank", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_FetchXmlWithAnOperatorFetchDoesNotKnow_IsASchemaError()
    {
        var report = Broken(doc => View(doc, "Open retention alerts").Descendants("condition").First().SetAttributeValue("operator", "bigger"));

        Assert.Contains(report.Errors, e => e.Code == "xsd" && e.Message.Contains("bigger", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DateOperatorOnANumberColumn_ReportsATypeMismatch()
    {
        var report = Broken(doc => View(doc, "Open retention alerts").Descendants("filter").First()
            .Add(new XElement("condition", new XAttribute("attribute", "rtn_sentiment"), new XAttribute("operator", "last-x-days"), new XAttribute("value", "14"))));

        Assert.Contains(report.Errors, e => e.Code == "type-mismatch" && e.Message.Contains("last-x-days", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UpdateStepWithoutFilteringAttributes_WarnsThatItRunsOnEveryUpdate()
    {
        var report = Broken(doc => doc.Descendants("SdkMessageProcessingStep").First(s => s.Element("FilteringAttributes")!.Value.Length > 0).Element("FilteringAttributes")!.Value = "");

        Assert.Contains(report.Warnings, w => w.Code == "step" && w.Message.Contains("every update", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DecimalPrecisionBeyondDataverseLimits_ReportsTheColumn()
    {
        var report = Broken(doc => doc.Descendants("attributes").Elements("attribute").First(a => a.Element("LogicalName")!.Value == "rtn_churnprobability")
            .Element("Accuracy")!.Value = "12");

        Assert.Contains(report.Errors, e => e.Code == "column" && e.Message.Contains("rtn_churnprobability", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SiteMapEntryForATableTheAppDoesNotInclude_ReportsTheEntry()
    {
        var report = Broken(doc => doc.Descendants("AppModuleComponent").Single(c => (string?)c.Attribute("schemaName") == "rtn_retentionalert").Remove());

        Assert.Contains(report.Errors, e => e.Code == "app" && e.Message.Contains("'rtn_subarea_alerts' opens table 'rtn_retentionalert'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CampaignEntryForAViewNotShipped_ReportsTheView()
    {
        var report = Broken(doc =>
        {
            var campaign = doc.Descendants("SubArea").Single(s => (string)s.Attribute("Id")! == "rtn_subarea_campaign");
            campaign.SetAttributeValue("Url", ((string)campaign.Attribute("Url")!).Replace("32278b2b", "32278b2c", StringComparison.Ordinal));
        });

        Assert.Contains(report.Errors, e => e.Code == "app" && e.Message.Contains("view {32278b2c", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AppWithoutSiteMap_ReportsThatNobodyCouldNavigate()
    {
        var report = Broken(doc => doc.Descendants("AppModuleComponent").Single(c => (string?)c.Attribute("type") == "62").Remove());

        Assert.Contains(report.Errors, e => e.Code == "app" && e.Message.Contains("no site map", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AppWithoutRootComponent_ReportsTheApp()
    {
        var report = Broken(doc => doc.Descendants("RootComponent").Single(r => (string?)r.Attribute("type") == "80").Remove(), "solution.xml");

        Assert.Contains(report.Errors, e => e.Code == "root-component" && e.Message.Contains("app 'rtn_RetentionInsights'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DependencyOnCasesRemoved_WarnsNamingTheApp()
    {
        var report = Broken(doc => doc.Descendants("MissingDependency").Where(d => (string?)d.Element("Required")!.Attribute("schemaName") == "incident").Remove(), "solution.xml");

        Assert.Contains(report.Warnings, w => w.Code == "dependency" && w.Message.Contains("'incident'", StringComparison.Ordinal) && w.Message.Contains("Customer Service", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Warnings, w => w.Code == "dependency" && w.Message.Contains("'invoice'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DependencyWithoutItsSolution_ReportsIt()
    {
        var report = Broken(doc => doc.Descendants("Required").First().Attribute("solution")!.Remove(), "solution.xml");

        Assert.Contains(report.Errors, e => e.Code == "dependency" && e.Message.Contains("does not name the solution", StringComparison.Ordinal));
    }
}
