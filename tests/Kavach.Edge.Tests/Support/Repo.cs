namespace Kavach.Edge.Tests.Support;

/// <summary>Paths in the repository and temporary folders for tests.</summary>
public static class Repo
{
    /// <summary>The folder holding Kavach.Edge.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Kavach.Edge.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Kavach.Edge.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The daemon's built entry assembly, next to the tests.</summary>
    public static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "kavach-edge.dll");

    /// <summary>
    /// A published kavach-edge executable (the native AOT build) that <see cref="DaemonProcess"/> runs instead of
    /// <see cref="DaemonDll"/>, from the environment variable TEST_KAVACH_DAEMON (tests/run.sh sets it for a second
    /// pass; not a KAVACH_* name, those are daemon config); a relative path is taken from the repository root. Null: the
    /// built dll, with dotnet.
    /// </summary>
    public static string? DaemonExecutable { get; } =
        Environment.GetEnvironmentVariable("TEST_KAVACH_DAEMON") is { Length: > 0 } path ? Path.GetFullPath(path, Root) : null;

    /// <summary>A fresh temporary folder, deleted by <see cref="TempDir.Dispose"/>.</summary>
    public static TempDir NewTempDir() => new();
}

public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kavach-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a secret (a key, a password) as the daemon wants it: mode 0600, ours; returns its path.</summary>
    public string Secret(string name, string text)
    {
        var path = File(name);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var f = new FileStream(path, options);
        f.Write(System.Text.Encoding.UTF8.GetBytes(text));
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
