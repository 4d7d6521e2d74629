using Kavach.Edge.Configuration;

namespace Kavach.Edge.SelfTest;

/// <summary>What every check may read: the configuration the service reads, and whether the service is running.</summary>
public sealed record SelfTestContext(KavachOptions Options, ServiceStatus Service, TimeProvider Time)
{
    /// <summary>Time limit of one network probe (connect, TLS handshake).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The detail for a resource the running service has open.</summary>
    public const string HeldByService = "held by the running service (see the service row)";
}
