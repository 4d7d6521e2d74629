using Kavach.Edge.Configuration;

namespace Kavach.Edge.Hosting;

/// <summary>
/// Checks before the host starts that <c>Storage.Path</c> can be created and written. Storage itself
/// retries a failing open as a FAULT (right for a disk that goes away at run time), but a path that can
/// never work is a configuration problem: exit 2 naming the key and the cause, not a unit that stays FAULT.
/// </summary>
public static class StoragePreflight
{
    /// <summary>Throws <see cref="ConfigurationRefusedException"/> ("Storage.Path: cannot create /x/y: permission denied").</summary>
    public static void Check(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationRefusedException($"Storage.Path: cannot create {dir}: {Cause(e, dir)}", e);
        }
        try
        {
            if (File.Exists(full))
            {
                // open for writing without changing a byte: the database itself is Storage's to judge
                using var _ = new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }
            else
            {
                var probe = Path.Combine(dir, $".{Path.GetFileName(full)}.probe-{Environment.ProcessId}");
                using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationRefusedException($"Storage.Path: cannot write {full}: {Cause(e, dir)}", e);
        }
    }

    /// <summary>The cause in a few words; .NET's messages say "already exists" for a path under a regular file.</summary>
    private static string Cause(Exception e, string dir)
    {
        if (e is UnauthorizedAccessException)
            return "permission denied";
        for (var d = dir; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
            if (File.Exists(d))
                return $"not a directory ({d} is a file)";
        if (e.InnerException is { } i && e.Message.Length == 0)
            return i.Message;
        return e.Message;
    }
}
