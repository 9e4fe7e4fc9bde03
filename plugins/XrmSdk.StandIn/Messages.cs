using System;

namespace Microsoft.Xrm.Sdk
{
    /// <summary>A named message with parameters, e.g. RetrieveEnvironmentVariableValue.</summary>
    public class OrganizationRequest
    {
        private ParameterCollection _parameters = new ParameterCollection();

        public OrganizationRequest()
        {
        }

        public OrganizationRequest(string requestName)
        {
            RequestName = requestName;
        }

        public string RequestName { get; set; }

        public ParameterCollection Parameters
        {
            get { return _parameters; }
            set { _parameters = value ?? new ParameterCollection(); }
        }

        public object this[string parameterName]
        {
            get { return _parameters[parameterName]; }
            set { _parameters[parameterName] = value; }
        }
    }

    public class OrganizationResponse
    {
        private ParameterCollection _results = new ParameterCollection();

        public string ResponseName { get; set; }

        public ParameterCollection Results
        {
            get { return _results; }
            set { _results = value ?? new ParameterCollection(); }
        }
    }

    public enum OperationStatus
    {
        Failed = 0,
        Canceled = 1,
        Retry = 2,
        Suspended = 3,
        Succeeded = 4,
    }

    public enum PluginHttpStatusCode
    {
        NotSet = 0,
        BadRequest = 400,
        Unauthorized = 401,
        Forbidden = 403,
        NotFound = 404,
        MethodNotAllowed = 405,
        RequestTimeout = 408,
        Conflict = 409,
        Gone = 410,
        PreconditionFailed = 412,
        RequestEntityTooLarge = 413,
        ExpectationFailed = 417,
        FailedDependency = 424,
        TooManyRequests = 429,
        InternalServerError = 500,
        BadGateway = 502,
        ServiceUnavailable = 503,
        GatewayTimeout = 504,
    }

    /// <summary>The one exception a plug-in throws on purpose: its message is what the caller sees.</summary>
    [Serializable]
    public sealed class InvalidPluginExecutionException : Exception
    {
        public InvalidPluginExecutionException()
        {
        }

        public InvalidPluginExecutionException(string message)
            : base(message)
        {
        }

        public InvalidPluginExecutionException(string message, Exception exception)
            : base(message, exception)
        {
        }

        public InvalidPluginExecutionException(string message, PluginHttpStatusCode httpStatus)
            : base(message)
        {
            HttpStatus = httpStatus;
        }

        /// <summary>Failed unless the platform says otherwise; the stand-in never sets another status.</summary>
        public OperationStatus Status { get; }

        public PluginHttpStatusCode HttpStatus { get; }
    }
}
