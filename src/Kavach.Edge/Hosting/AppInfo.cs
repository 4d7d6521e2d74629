using System.Reflection;

namespace Kavach.Edge.Hosting;

/// <summary>Name and version of this build (every stored event carries the version).</summary>
public static class AppInfo
{
    public const string Name = "kavach-edge";

    /// <summary>The informational version without the source-control suffix.</summary>
    public static string Version { get; } =
        (typeof(AppInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[
            0
        ];
}
