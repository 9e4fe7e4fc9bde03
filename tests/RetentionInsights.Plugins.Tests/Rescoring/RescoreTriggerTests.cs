using Microsoft.Xrm.Sdk;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Plugins.Tests.Fakes;

namespace RetentionInsights.Plugins.Tests.Rescoring;

public sealed class RescoreTriggerTests
{
    private readonly FakePipeline _pipeline = new();
    private readonly DataProducer _data;
    private readonly RescoreTrigger _plugin = new(StepConfigurations.Standard(), string.Empty);

    public RescoreTriggerTests() => _data = new DataProducer(_pipeline.Service);

    [Fact]
    public void Execute_ContactUpdate_PostsContextToConfiguredEndpointWithContactInSharedVariables()
    {
        var contact = _data.Contact();
        _pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));

        _pipeline.Run(_plugin);

        var post = Assert.Single(_pipeline.Notifications.Posts);
        Assert.Equal("serviceendpoint", post.Endpoint.LogicalName);
        Assert.Equal(StepConfigurations.EndpointId, post.Endpoint.Id);
        Assert.Same(_pipeline.Context, post.Context);
        Assert.Equal(contact.Id.ToString("D"), post.SharedVariables["rtn_contactid"]);
    }

    [Fact]
    public void Execute_ContactCreate_PostsTheNewContact()
    {
        var contact = _data.Contact();
        _pipeline.Event("Create", "contact", contact.Id).Target(contact);

        _pipeline.Run(_plugin);

        Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
    }

    [Theory]
    [InlineData("incident")]
    [InlineData("salesorder")]
    public void Execute_CreateOfCustomerRecord_ResolvesCustomerFromTargetWithoutReading(string table)
    {
        var contact = _data.Contact();
        var row = table == "incident" ? _data.Incident(contact) : _data.SalesOrder(contact);
        _pipeline.Event("Create", table, row.Id).Target(row);

        _pipeline.Run(_plugin);

        Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
        Assert.Equal(0, _pipeline.Service.RetrieveCount);
    }

    [Theory]
    [InlineData("incident")]
    [InlineData("salesorder")]
    public void Execute_UpdateWithPostImage_ResolvesCustomerFromImage(string table)
    {
        var contact = _data.Contact();
        var row = table == "incident" ? _data.Incident(contact) : _data.SalesOrder(contact);
        _pipeline.Event("Update", table, row.Id)
            .Target(DataProducer.Slice(row, "statecode"))
            .PostImage(DataProducer.Slice(row, "customerid"));

        _pipeline.Run(_plugin);

        Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
        Assert.Equal(0, _pipeline.Service.RetrieveCount);
    }

    [Theory]
    [InlineData("incident")]
    [InlineData("salesorder")]
    public void Execute_DeleteWithPreImage_RescoresTheCustomerWhoLostTheRecord(string table)
    {
        var contact = _data.Contact();
        var row = table == "incident" ? _data.Incident(contact) : _data.SalesOrder(contact);
        _pipeline.Event("Delete", table, row.Id)
            .Target(row.ToEntityReference())
            .PreImage(DataProducer.Slice(row, "customerid"));

        _pipeline.Run(_plugin);

        Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
    }

    [Fact]
    public void Execute_UpdateWithoutImages_ReadsTheCustomerFromTheRecordAsSystem()
    {
        var contact = _data.Contact();
        var incident = _data.Incident(contact);
        _pipeline.Event("Update", "incident", incident.Id).Target(DataProducer.Slice(incident, "statecode"));

        _pipeline.Run(_plugin);

        Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
        Assert.Equal(1, _pipeline.Service.RetrieveCount);
        Assert.Equal([null], _pipeline.Factory.RequestedUsers);
        Assert.Contains("no image registered", _pipeline.Tracing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_DeleteWithoutPreImage_FailsNamingTheMissingImageAndPostsNothing()
    {
        var incident = _data.Incident(_data.Contact());
        _pipeline.Event("Delete", "incident", incident.Id).Target(incident.ToEntityReference());

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(_plugin));

        Assert.Contains("pre-image 'PreImage'", error.Message, StringComparison.Ordinal);
        Assert.Contains("customerid", error.Message, StringComparison.Ordinal);
        Assert.Empty(_pipeline.Notifications.Posts);
    }

    [Fact]
    public void Execute_CaseOfAccountCustomer_RescoresTheAccountsPrimaryContact()
    {
        var contact = _data.Contact();
        var account = _data.Account(primaryContact: contact);
        var incident = _data.Incident(account);
        _pipeline.Event("Create", "incident", incident.Id).Target(incident);

        _pipeline.Run(_plugin);

        Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
        Assert.Contains("account.primarycontactid", _pipeline.Tracing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_OrderOfAccountWithoutPrimaryContact_PostsNothing()
    {
        var account = _data.Account(primaryContact: null);
        var order = _data.SalesOrder(account);
        _pipeline.Event("Create", "salesorder", order.Id).Target(order);

        _pipeline.Run(_plugin);

        Assert.Empty(_pipeline.Notifications.Posts);
        Assert.Contains("SkippedNoContact", _pipeline.Tracing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_UpdateClearingTheCustomer_RescoresThePreviousCustomer()
    {
        var contact = _data.Contact();
        var order = _data.SalesOrder(contact);
        var target = new Entity("salesorder", order.Id) { ["customerid"] = null };
        _pipeline.Event("Update", "salesorder", order.Id).Target(target).PreImage(DataProducer.Slice(order, "customerid"));

        _pipeline.Run(_plugin);

        Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
    }

    [Fact]
    public void Execute_CaseMovedToAnotherCustomer_RescoresTheNewCustomer()
    {
        var previous = _data.Contact();
        var next = _data.Contact();
        var incident = _data.Incident(previous);
        var target = new Entity("incident", incident.Id) { ["customerid"] = next.ToEntityReference() };
        _pipeline.Event("Update", "incident", incident.Id)
            .Target(target)
            .PreImage(DataProducer.Slice(incident, "customerid"))
            .PostImage(new Entity("incident", incident.Id) { ["customerid"] = next.ToEntityReference() });

        _pipeline.Run(_plugin);

        Assert.Equal(next.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
    }

    [Theory]
    [InlineData("email")]
    [InlineData("phonecall")]
    public void Execute_ActivityRegardingACase_RescoresTheCasesCustomer(string table)
    {
        var contact = _data.Contact();
        var activity = _data.Activity(table, _data.Incident(contact));
        _pipeline.Event("Create", table, activity.Id).Target(activity);

        _pipeline.Run(_plugin);

        Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
        Assert.Contains("incident.customerid", _pipeline.Tracing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_EmailRegardingAnAccount_RescoresItsPrimaryContact()
    {
        var contact = _data.Contact();
        var email = _data.Activity("email", _data.Account(primaryContact: contact));
        _pipeline.Event("Create", "email", email.Id).Target(email);

        _pipeline.Run(_plugin);

        Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
    }

    [Fact]
    public void Execute_EmailRegardingNothing_PostsNothing()
    {
        var email = new Entity("email", Guid.NewGuid()) { ["subject"] = "Nieuwsbrief" };
        _pipeline.Event("Create", "email", email.Id).Target(email);
        _pipeline.Service.Add(email);

        _pipeline.Run(_plugin);

        Assert.Empty(_pipeline.Notifications.Posts);
    }

    [Theory]
    [InlineData(Names.Choices.RecommendationAccepted, true)]
    [InlineData(Names.Choices.RecommendationDeclined, true)]
    [InlineData(Names.Choices.RecommendationProposed, false)]
    [InlineData(Names.Choices.RecommendationExpired, false)]
    public void Execute_OfferRecommendationStatusChange_PostsOnlyCustomerAnswers(int status, bool expectPost)
    {
        var contact = _data.Contact();
        var recommendation = _data.OfferRecommendation(contact, status);
        _pipeline.Event("Update", "rtn_offerrecommendation", recommendation.Id)
            .Target(DataProducer.Slice(recommendation, "rtn_status"))
            .PostImage(DataProducer.Slice(recommendation, "rtn_contactid", "rtn_status"));

        _pipeline.Run(_plugin);

        if (expectPost)
        {
            Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
        }
        else
        {
            Assert.Empty(_pipeline.Notifications.Posts);
        }
    }

    [Theory]
    [InlineData("Delete", "email")]
    [InlineData("Create", "rtn_offerrecommendation")]
    [InlineData("Update", "email")]
    [InlineData("Delete", "phonecall")]
    [InlineData("Assign", "incident")]
    public void Execute_CombinationItDoesNotHandle_FailsNamingTheMisregisteredStep(string message, string table)
    {
        _pipeline.Event(message, table, Guid.NewGuid());

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(_plugin));

        Assert.Contains($"{message} of {table}", error.Message, StringComparison.Ordinal);
        Assert.Empty(_pipeline.Notifications.Posts);
    }

    [Fact]
    public void Execute_RegisteredInPreOperation_FailsBecauseTheChangeIsNotCommitted()
    {
        var contact = _data.Contact();
        _pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));
        _pipeline.Context.Stage = 20;

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(_plugin));

        Assert.Contains("stage (40)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_NotificationServiceFails_FailsTheJobWithContactEndpointAndCorrelationId()
    {
        var contact = _data.Contact();
        _pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));
        _pipeline.Notifications.Failure = new TimeoutException("The webhook did not answer in 60 seconds.");

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(_plugin));

        Assert.StartsWith($"RescoreTrigger could not post contact {contact.Id:D} to the scoring webhook (service endpoint {StepConfigurations.EndpointId:D})", error.Message, StringComparison.Ordinal);
        Assert.Contains("The webhook did not answer in 60 seconds.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Correlation id {_pipeline.Context.CorrelationId:D}", error.Message, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public void Execute_NotificationServiceFails_TracesTheFailureWithCorrelationAndSystemJob()
    {
        var contact = _data.Contact();
        _pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));
        _pipeline.Notifications.Failure = new InvalidOperationException("HTTP 500 from the webhook.");

        Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(_plugin));

        Assert.Contains(
            $"Post failed: service endpoint {StepConfigurations.EndpointId:D}, contact {contact.Id:D}, correlation {_pipeline.Context.CorrelationId:D}, system job {_pipeline.Context.OperationId:D}: InvalidOperationException",
            _pipeline.Tracing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_PostFailureQuotingTheWebhookUrl_NeverRepeatsTheKey()
    {
        var contact = _data.Contact();
        _pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));
        _pipeline.Notifications.Failure = new InvalidOperationException("POST https://rtn.example.net/api/dataverse/events?code=s3cr3t-K3y&x=1 returned 502.");

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(_plugin));

        Assert.DoesNotContain("s3cr3t-K3y", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-K3y", _pipeline.Tracing.Text, StringComparison.Ordinal);
        Assert.Contains("?code=***&x=1 returned 502.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_RegisteredSynchronously_RefusesBeforePostingSoNoSaveWaitsForTheWebhook()
    {
        var contact = _data.Contact();
        _pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));
        _pipeline.Context.Mode = 0;

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(_plugin));

        Assert.Contains("must run asynchronously (mode 1), not in mode 0", error.Message, StringComparison.Ordinal);
        Assert.Empty(_pipeline.Notifications.Posts);
    }

    [Theory]
    [InlineData("Create")]
    [InlineData("Update")]
    public void Execute_InvoiceOfAContact_RescoresThatContact(string message)
    {
        var contact = _data.Contact();
        var invoice = _data.Invoice(contact);
        _pipeline.Event(message, "invoice", invoice.Id)
            .Target(message == "Create" ? invoice : DataProducer.Slice(invoice, "totalamount"))
            .PostImage(DataProducer.Slice(invoice, "customerid"));

        _pipeline.Run(_plugin);

        Assert.Equal(contact.Id.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
    }

    [Fact]
    public void Execute_EmptyStepConfiguration_PostsToTheShippedWebhook()
    {
        var contact = _data.Contact();
        _pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));

        _pipeline.Run(new RescoreTrigger(string.Empty, string.Empty));

        Assert.Equal(StepConfigurations.EndpointId, Assert.Single(_pipeline.Notifications.Posts).Endpoint.Id);
    }
}
