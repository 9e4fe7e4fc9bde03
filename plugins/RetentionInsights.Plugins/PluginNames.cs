namespace RetentionInsights.Plugins
{
    /// <summary>
    /// Dataverse names the plug-ins use. The plug-in assembly cannot read datamodel.json at run time (it runs in the
    /// Dataverse sandbox), so the names live here and a test checks each one against datamodel.json.
    /// </summary>
    public static class PluginNames
    {
        public static class Contact
        {
            public const string Table = "contact";
            public const string Id = "contactid";

            /// <summary>A column-secured score column: whoever may read it may see the contact's insights.</summary>
            public const string ChurnProbability = "rtn_churnprobability";
        }

        public static class Incident
        {
            public const string Table = "incident";
            public const string Customer = "customerid";
        }

        public static class SalesOrder
        {
            public const string Table = "salesorder";
            public const string Customer = "customerid";
        }

        public static class Invoice
        {
            public const string Table = "invoice";
            public const string Customer = "customerid";
        }

        public static class OfferRecommendation
        {
            public const string Table = "rtn_offerrecommendation";
            public const string Contact = "rtn_contactid";
            public const string Status = "rtn_status";
            public const int StatusAccepted = 471500001;
            public const int StatusDeclined = 471500002;
        }

        /// <summary>Activities whose text and direction feed the early-warning signals.</summary>
        public static class Activity
        {
            public const string Email = "email";
            public const string PhoneCall = "phonecall";
            public const string Regarding = "regardingobjectid";
        }

        /// <summary>Standard Dataverse table outside the product's data model: an account customer is scored through its primary contact.</summary>
        public static class Account
        {
            public const string Table = "account";
            public const string PrimaryContact = "primarycontactid";
        }

        public const string ServiceEndpointTable = "serviceendpoint";

        /// <summary>The webhook service endpoint the solution ships (registrations.json); its id is the same in every environment.</summary>
        public const string ScoringWebhookId = "6a1f3c2e-8b4d-4e7a-9c51-2d7e0f4b8a13";

        /// <summary>The scoring service reads the resolved customer from this SharedVariables key of the webhook body.</summary>
        public const string ContactIdSharedVariable = "rtn_contactid";

        public const string ScoringEndpointUrlVariable = "rtn_ScoringEndpointUrl";
        public const string ScoringApiKeyVariable = "rtn_ScoringApiKey";

        /// <summary>The scoring service's identity for the loop guard: per environment, so environment variables rather than step configuration.</summary>
        public const string ScoringServiceUserIdVariable = "rtn_ScoringServiceUserId";
        public const string ScoringServiceApplicationIdVariable = "rtn_ScoringServiceApplicationId";

        public const string GetRetentionInsightsApi = "rtn_GetRetentionInsights";
        public const string InsightsOutputParameter = "Insights";

        /// <summary>Image aliases the step registrations declare (registrations.json).</summary>
        public const string PreImage = "PreImage";
        public const string PostImage = "PostImage";

        public static class Messages
        {
            public const string Create = "Create";
            public const string Update = "Update";
            public const string Delete = "Delete";
        }

        public const int PostOperationStage = 40;

        public const int AsynchronousMode = 1;
    }
}
