using System;
using System.Diagnostics;
using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins.Execution
{
    /// <summary>
    /// The one execution policy of every plug-in in this assembly: no per-call state on the instance, a trace line on
    /// entry and exit carrying the correlation id, and one exception rule: an <see cref="InvalidPluginExecutionException"/>
    /// passes unchanged (its message is meant for the user), anything else is wrapped with the plug-in's name and the
    /// correlation id so an administrator can find the trace log.
    /// </summary>
    public abstract class PluginBase : IPlugin
    {
        public void Execute(IServiceProvider serviceProvider)
        {
            if (serviceProvider == null)
            {
                throw new InvalidPluginExecutionException("The Dataverse pipeline passed no service provider.");
            }

            var local = new LocalPluginContext(serviceProvider);
            var context = local.Context;
            var name = GetType().Name;
            local.Trace(
                "{0} start: {1} of {2} {3:D}, stage {4}, mode {5}, depth {6}, correlation {7:D}",
                name, context.MessageName, context.PrimaryEntityName, context.PrimaryEntityId,
                context.Stage, context.Mode, context.Depth, context.CorrelationId);
            var watch = Stopwatch.StartNew();
            try
            {
                ExecuteCore(local);
                local.Trace("{0} done in {1} ms", name, watch.ElapsedMilliseconds);
            }
            catch (InvalidPluginExecutionException ex)
            {
                local.Trace("{0} stopped after {1} ms: {2}", name, watch.ElapsedMilliseconds, ex.Message);
                throw;
            }
            catch (Exception ex)
            {
                local.Trace("{0} failed after {1} ms: {2}: {3}", name, watch.ElapsedMilliseconds, ex.GetType().Name, ex.Message);
                throw new InvalidPluginExecutionException(
                    $"{name} failed: {ex.Message} (correlation id {context.CorrelationId:D}).", ex);
            }
        }

        protected abstract void ExecuteCore(LocalPluginContext local);
    }
}
