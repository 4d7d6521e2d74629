using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Kavach.Edge.Configuration;
using Microsoft.AspNetCore.Http;

namespace Kavach.Edge.Api;

/// <summary>
/// The API key check. With no key configured (allowed on loopback only) everything is open. With a key,
/// every request but the exempt ones needs it: as the <c>X-Api-Key</c> header (API clients), or as the
/// session cookie the status page gets by trading the key once at <c>POST /api/session</c> (a browser's
/// WebSocket cannot send headers). Sessions live in memory (a restart logs the page out) and are capped.
/// Thread-safe.
/// </summary>
public sealed class ApiAuth(ApiOptions options, TimeProvider time)
{
    public const string HeaderName = "X-Api-Key";
    public const string CookieName = "kavach_session";
    private const int MaxSessions = 64;

    private readonly byte[]? _keyHash = options.Key is { } k ? SHA256.HashData(Encoding.UTF8.GetBytes(k)) : null;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);

    public bool KeyRequired => _keyHash is not null;

    /// <summary>Paths anyone may reach: liveness, health, and the page's static files (they hold no data).</summary>
    public static bool IsExempt(PathString path) =>
        path == "/health" || path == "/api/ping" || path == "/api/session" || StatusPage.Serves(path);

    public bool IsAuthorized(HttpContext ctx) =>
        !KeyRequired
        || CheckKey(ctx.Request.Headers[HeaderName].ToString())
        || (ctx.Request.Cookies.TryGetValue(CookieName, out var token) && CheckSession(token));

    /// <summary>Constant-time comparison (of hashes, so the length does not leak either).</summary>
    public bool CheckKey(string? presented) =>
        _keyHash is not null
        && !string.IsNullOrEmpty(presented)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _keyHash);

    /// <summary>A new session token, valid for <see cref="ApiOptions.SessionHours"/>.</summary>
    public string NewSession()
    {
        var now = time.GetUtcNow();
        foreach (var (t, until) in _sessions)
            if (until <= now)
                _sessions.TryRemove(t, out _);
        while (_sessions.Count >= MaxSessions)
        {
            var oldest = _sessions.OrderBy(kv => kv.Value).First().Key;
            _sessions.TryRemove(oldest, out _);
        }
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _sessions[token] = now.AddHours(options.SessionHours);
        return token;
    }

    public bool CheckSession(string token)
    {
        if (!_sessions.TryGetValue(token, out var until))
            return false;
        if (until > time.GetUtcNow())
            return true;
        _sessions.TryRemove(token, out _);
        return false;
    }

    public void EndSession(string token) => _sessions.TryRemove(token, out _);

    public CookieOptions CookieOptions(bool https) =>
        new()
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = https,
            Path = "/",
            MaxAge = TimeSpan.FromHours(options.SessionHours),
            IsEssential = true,
        };
}
