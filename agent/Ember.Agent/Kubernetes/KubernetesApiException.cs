using System.Net;

namespace Ember.Agent.Kubernetes;

/// <summary>The Kubernetes API server refused or broke a pod list or watch.</summary>
public sealed class KubernetesApiException : Exception
{
    /// <summary>Creates an exception without a status code.</summary>
    public KubernetesApiException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public KubernetesApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception that keeps its cause.</summary>
    public KubernetesApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for an HTTP status (or a watch ERROR event carrying one).</summary>
    public KubernetesApiException(string message, HttpStatusCode statusCode)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>The status the server answered, when it answered one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>410 Gone: the resource version is too old to watch from; the caller must list again.</summary>
    public bool IsResourceVersionExpired => StatusCode == HttpStatusCode.Gone;
}
