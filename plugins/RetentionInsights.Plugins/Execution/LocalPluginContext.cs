using System;
using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins.Execution
{
    /// <summary>
    /// What one execution needs from the pipeline. Created per call by <see cref="PluginBase"/>, never stored on the
    /// plug-in instance (Dataverse shares one instance between threads).
    /// </summary>
    public sealed class LocalPluginContext
    {
        private readonly IServiceProvider _serviceProvider;
        private IOrganizationService? _systemService;

        public LocalPluginContext(IServiceProvider serviceProvider)
        {
            _serviceProvider = serviceProvider ?? throw new ArgumentNullException(nameof(serviceProvider));
            Context = Require<IPluginExecutionContext>();
            Tracing = Require<ITracingService>();
        }

        public IPluginExecutionContext Context { get; }

        public ITracingService Tracing { get; }

        /// <summary>Runs as SYSTEM: the plug-ins only read ids and configuration the calling user may not be allowed to see.</summary>
        public IOrganizationService SystemService =>
            _systemService ??= Require<IOrganizationServiceFactory>().CreateOrganizationService(null);

        /// <summary>Runs as the user who made the call: what it cannot read, column security hid from that user.</summary>
        public IOrganizationService CallerService =>
            Require<IOrganizationServiceFactory>().CreateOrganizationService(Context.InitiatingUserId);

        public IServiceEndpointNotificationService NotificationService => Require<IServiceEndpointNotificationService>();

        public void Trace(string format, params object[] args) => Tracing.Trace(format, args);

        private T Require<T>()
            where T : class
        {
            return _serviceProvider.GetService(typeof(T)) as T
                ?? throw new InvalidPluginExecutionException($"The Dataverse pipeline did not provide {typeof(T).Name}.");
        }
    }
}
