using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;

namespace Kavach.Edge.Commissioning;

/// <summary>
/// The commissioning record on disk: under the state folder (never beside the database's hot pages: it is
/// written once per commissioning), replaced atomically — a temporary file written and fsynced, renamed over the
/// old one, the folder fsynced — so a power cut leaves the old record or the new one, never half of either.
/// </summary>
public static class RecordFile
{
    public const string FileName = "commissioning.json";

    /// <summary><c>Commissioning.RecordPath</c>, else commissioning.json in the state folder.</summary>
    public static string PathFor(KavachOptions options) =>
        Path.GetFullPath(
            options.Commissioning.RecordPath.Length > 0
                ? options.Commissioning.RecordPath
                : Path.Combine(StatePaths.StateDirectory(options), FileName)
        );

    /// <summary>SHA-256 of the file's bytes, first 16 hex digits (the prefix of <c>sha256sum</c>'s output): every event carries
    /// it.</summary>
    public static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];

    public static byte[] Serialize(CommissioningRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, CommissioningJson.Default.CommissioningRecord);

    /// <summary>Writes atomically; returns the new file's hash.</summary>
    public static string Write(string path, CommissioningRecord record)
    {
        var bytes = Serialize(record);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
        FsyncDirectory(dir);
        return Hash(bytes);
    }

    /// <summary>Reads and checks a record; throws <see cref="InvalidDataException"/> naming the file and the problem.</summary>
    public static (CommissioningRecord Record, string Hash) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        CommissioningRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(bytes, CommissioningJson.Default.CommissioningRecord);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a commissioning record: {e.Message}", e);
        }
        if (record is null || record.Schema != CommissioningRecord.SchemaName)
            throw new InvalidDataException(
                $"{path}: not a commissioning record (schema '{record?.Schema}', expected '{CommissioningRecord.SchemaName}')"
            );
        if (record.Version != CommissioningRecord.CurrentVersion)
            throw new InvalidDataException(
                $"{path}: commissioning record version {record.Version}; this build reads version {CommissioningRecord.CurrentVersion} (commission again)"
            );
        return (record, Hash(bytes));
    }

    // The rename is durable only once the folder's entry is on disk (POSIX): open the folder and fsync it.
    // .NET will not open a folder as a file, hence libc; elsewhere (Windows) the synced file has to do.
    private static void FsyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        try
        {
            var fd = Open(dir, 0); // O_RDONLY
            if (fd < 0)
                return; // some filesystems refuse: the file itself is already synced
            Fsync(fd);
            Close(fd);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
