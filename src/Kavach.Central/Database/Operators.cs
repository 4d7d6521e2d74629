using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Kavach.Central.Database;

/// <summary>
/// Operators and their keys (table <c>operators</c>, migration v4). A key is 32 random bytes (256 bits) in base64url,
/// shown once when the operator is added; only its SHA-256 is stored. A fast hash is enough for a random key of that
/// size (nobody can search 2^256 keys, however fast the hash), and each request looks the hash up by index; a slow hash
/// (PBKDF2) is for guessable passwords, and would cost CPU on every request. Thread-safe.
/// </summary>
public static class Operators
{
    /// <summary>The header that carries the key (as the daemon's API).</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>1-64 of letters, digits, '.', '-', '_': it goes into each command's <c>by</c> (the post allows 1-64).</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Adds <paramref name="name"/> with a new key and returns the key (shown once); null when the name is taken.</summary>
    public static async Task<string?> AddAsync(NpgsqlDataSource db, string name, CancellationToken ct)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var cmd = db.CreateCommand("INSERT INTO operators (name, key_hash) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        cmd.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Hash(key) });
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1 ? key : null;
    }

    /// <summary>The operator whose (enabled) key this is, or null.</summary>
    public static async Task<string?> FindAsync(NpgsqlDataSource db, string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 256)
            return null;
        await using var cmd = db.CreateCommand("SELECT name FROM operators WHERE key_hash = $1 AND disabled_at IS NULL");
        cmd.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Hash(key) });
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }
}
