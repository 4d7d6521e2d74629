using System.Globalization;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// The configured SQLite database is writable: open it read-write, write inside a transaction, roll back
/// (the SQL is storage's: <see cref="Storage.DatabaseCheck.ProbeWritable"/>).
/// It never creates the database: a file created by root here would keep the service (user kavach) from
/// opening it. A missing database only needs a writable folder (probed with a temporary file).
/// </summary>
public sealed class DatabaseCheck : ISelfTestCheck
{
    public string Name => "database";

    public Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(context.Options.Storage.Path);
        var dir = Path.GetDirectoryName(path)!;
        if (!File.Exists(path))
        {
            if (!Directory.Exists(dir))
                return Task.FromResult(
                    SelfTestResult.Skip(
                        Name,
                        $"{path}: not created yet and its folder {dir} does not exist (the unit's StateDirectory= creates it at the first start)"
                    )
                );
            var probe = Path.Combine(dir, $".kavach-selftest-{Environment.ProcessId}");
            try
            {
                File.WriteAllText(probe, "");
                File.Delete(probe);
                return Task.FromResult(
                    SelfTestResult.Pass(Name, $"{path}: not created yet; folder writable, the daemon creates it at start")
                );
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(SelfTestResult.Fail(Name, $"{path}: folder {dir} not writable: {e.Message}"));
            }
        }
        try
        {
            var (version, events) = Storage.DatabaseCheck.ProbeWritable(path);
            var size = new FileInfo(path).Length;
            return Task.FromResult(
                SelfTestResult.Pass(
                    Name,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{path}: writable (write rolled back), schema v{version}{(events >= 0 ? $", events: {events}" : "")}, {size / 1024.0:0} KiB"
                    )
                )
            );
        }
        catch (Storage.StorageUnavailableException e)
        {
            return Task.FromResult(SelfTestResult.Fail(Name, $"{path}: {e.Message}"));
        }
    }
}
