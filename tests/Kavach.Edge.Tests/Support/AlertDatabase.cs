using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Tests.Support;

/// <summary>Reads a daemon's SQLite file from outside (the crash tests): what it had committed when it was killed.</summary>
public static class AlertDatabase
{
    /// <summary>The highest committed seq (0 when the file does not exist yet or cannot be read at this moment).</summary>
    public static long MaxSeq(string db)
    {
        if (!File.Exists(db))
            return 0;
        try
        {
            using var c = new SqliteConnection($"Data Source={db};Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM events;";
            return (long)cmd.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    /// <summary>Every committed alert's payload by seq.</summary>
    public static Dictionary<long, string> Payloads(string db)
    {
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, payload FROM events WHERE seq IS NOT NULL;";
        using var r = cmd.ExecuteReader();
        var d = new Dictionary<long, string>();
        while (r.Read())
            d[r.GetInt64(0)] = r.GetString(1);
        return d;
    }

    /// <summary>A free TCP port on loopback (for a daemon's tcp-listen sensor).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
