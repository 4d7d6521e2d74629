using System.Globalization;
using System.Reflection;
using Npgsql;

namespace Kavach.Central.Database;

/// <summary>
/// Versioned SQL migrations (embedded <c>Database/Migrations/NNNN_name.sql</c>), applied in order at start and by the
/// <c>migrate</c> verb. All pending migrations run in one transaction under an advisory lock, so two instances
/// starting together apply each once, and a failing one leaves the schema as it was. <c>schema_version</c> lists
/// what was applied. A database newer than this build is refused (<see cref="SchemaTooNewException"/>).
/// </summary>
public static class Migrator
{
    // pg_advisory_xact_lock key: "kavach-central migrate"
    private const long LockKey = 0x6b61766163686d31;

    public sealed record Migration(int Version, string Name, string Sql);

    /// <summary>The migrations this build knows, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } = Load();

    public static int Latest => All[^1].Version;

    /// <summary>Applies what is missing; returns the versions applied now (empty when up to date).</summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await Exec(c, tx, $"SELECT pg_advisory_xact_lock({LockKey})", ct).ConfigureAwait(false);
        await Exec(
                c,
                tx,
                """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """,
                ct
            )
            .ConfigureAwait(false);
        int current;
        await using (var cmd = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", c, tx))
            current = (int)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        if (current > Latest)
            throw new SchemaTooNewException(current, Latest);
        var applied = new List<int>();
        foreach (var m in All.Where(m => m.Version > current))
        {
            await Exec(c, tx, m.Sql, ct).ConfigureAwait(false);
            await using var mark = new NpgsqlCommand("INSERT INTO schema_version (version, name) VALUES ($1, $2)", c, tx);
            mark.Parameters.Add(new NpgsqlParameter { Value = m.Version });
            mark.Parameters.Add(new NpgsqlParameter { Value = m.Name });
            await mark.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            applied.Add(m.Version);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return applied;
    }

    private static async Task Exec(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static List<Migration> Load()
    {
        var asm = Assembly.GetExecutingAssembly();
        var list = new List<Migration>();
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith("migrations/", StringComparison.Ordinal)))
        {
            var file = name["migrations/".Length..];
            var version = int.Parse(file[..4], NumberStyles.None, CultureInfo.InvariantCulture);
            using var s = asm.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(s);
            list.Add(new Migration(version, Path.GetFileNameWithoutExtension(file)[5..], reader.ReadToEnd()));
        }
        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
            if (list[i].Version != i + 1)
                throw new InvalidOperationException($"migration {list[i].Version} is out of sequence (expected {i + 1})");
        return list;
    }
}

/// <summary>The database holds a schema newer than this build knows: an older kavach-central must not write to it.</summary>
public sealed class SchemaTooNewException(int database, int known)
    : Exception($"the database is at schema v{database}, newer than this kavach-central knows (v{known}): run a build at least that new");
