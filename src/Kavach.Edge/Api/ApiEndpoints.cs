using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Kavach.Edge.Alarm;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Api;

/// <summary>
/// The routes (docs/api.md) and the middleware around them: security headers, the one JSON error shape
/// (no stack trace ever leaves the daemon), the Host and Origin allow-list (<see cref="HostAllowList"/>), the key check and its brute-force
/// lockout (<see cref="ApiThrottle"/>), WebSockets. Handlers are small and read the daemon's thread-safe views; commands go to
/// <see cref="AlarmControl"/> with <see cref="CommandSource.Api"/>.
/// </summary>
public sealed class ApiEndpoints(
    KavachOptions options,
    StatusReader status,
    AlarmControl control,
    ApiAuth auth,
    ApiThrottle throttle,
    AlertHub hub,
    KavachMetrics metrics,
    IEventReader events,
    ITrendReader trends,
    TimeProvider time,
    ILogger<ApiEndpoints> log
) : IDisposable
{
    private const int MaxByLength = RemoteText.MaxLength;
    private const int MaxMaintenanceMinutes = 24 * 60;

    private readonly HostAllowList _hosts = new(options.Api);
    private readonly Lazy<MetricsExporter> _exporter = new(() => new MetricsExporter(metrics));
    private readonly IncidentReportReader _incidents = new(options, time);

    public void Map(WebApplication app)
    {
        _ = _exporter.Value; // listen from the start, so histograms hold every tick since
        app.Use(GuardAsync);
        app.Use(CheckHostAsync);
        app.Use(AuthorizeAsync);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });

        app.MapMethods("/api/ping", ["GET", "POST"], () =>
            Results.Json(new PingReply(true, options.Device.Id, AppInfo.Version, time.GetUtcNow()), ApiJson.Default.PingReply)
        );
        app.MapGet("/health", Health);
        app.MapGet("/metrics", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = MetricsExporter.ContentType;
            await _exporter.Value.WriteAsync(ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/api/status", () => Results.Json(status.Status(), ApiJson.Default.Status));
        app.MapGet("/api/events", Events);
        app.MapGet("/api/incidents/{id}", (string id) => IncidentReportEndpoint.Get(_incidents, id, log));
        app.MapGet("/api/trends", Trends);
        app.MapPost("/api/alarm/ack", AcknowledgeAsync);
        app.MapPost("/api/maintenance", MaintenanceAsync);
        app.MapPost("/api/session", SessionAsync);
        app.MapDelete("/api/session", (HttpContext ctx) =>
        {
            if (ctx.Request.Cookies.TryGetValue(ApiAuth.CookieName, out var token))
                auth.EndSession(token);
            ctx.Response.Cookies.Delete(ApiAuth.CookieName, auth.CookieOptions(ctx.Request.IsHttps));
            return Results.NoContent();
        });
        app.Map("/ws/alerts", AlertsAsync);
        foreach (var path in StatusPage.Paths) // the status page, the cab display and their shared script
            app.MapGet(path, (HttpContext http) => StatusPage.Get(http, path));
    }

    // RouteHandler methods take the CancellationToken so they bind as handlers (a HttpContext-only method returning Task<IResult> would be
    // a RequestDelegate). Outermost: headers on every response, exceptions and empty error responses turned into the JSON error shape.
    private async Task GuardAsync(HttpContext ctx, Func<Task> next)
    {
        var h = ctx.Response.Headers;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h.ContentSecurityPolicy =
            "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        h.CacheControl = "no-store";
        try
        {
            await next().ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Too large a body (413), a malformed request (400): the client's fault, said without internals.
            if (ctx.Response.HasStarted)
                return;
            ctx.Response.Clear();
            await WriteErrorAsync(
                    ctx,
                    e.StatusCode,
                    e.StatusCode == StatusCodes.Status413PayloadTooLarge ? $"body larger than {ApiServer.MaxBodyBytes} bytes" : null
                )
                .ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (!ctx.RequestAborted.IsCancellationRequested)
        {
            log.LogError(e, "API: {Method} {Path} failed", ctx.Request.Method, ctx.Request.Path);
            if (ctx.Response.HasStarted)
                return;
            ctx.Response.Clear();
            await WriteErrorAsync(ctx, StatusCodes.Status500InternalServerError, null).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (ctx.Response is { HasStarted: false, StatusCode: >= 400, ContentType: null })
            await WriteErrorAsync(ctx, ctx.Response.StatusCode, null).ConfigureAwait(false);
    }

    // Before any key check or lockout, on every path: a Host not served here is misdirected (421: a DNS-rebinding
    // page names its own host), and a request from a page of another origin is refused (403: a browser always
    // sends Origin with a WebSocket upgrade and a POST; cross-site WebSocket hijacking rides on the cookie).
    private async Task CheckHostAsync(HttpContext ctx, Func<Task> next)
    {
        if (!_hosts.AllowsHost(ctx.Request.Headers.Host.ToString()))
        {
            await WriteErrorAsync(
                    ctx,
                    StatusCodes.Status421MisdirectedRequest,
                    "this host name is not served here (Api.AllowedHosts lists the names allowed)"
                )
                .ConfigureAwait(false);
            return;
        }
        if (ctx.Request.Headers.Origin is { Count: > 0 } origin && !_hosts.AllowsOrigin(origin.ToString()))
        {
            await WriteErrorAsync(ctx, StatusCodes.Status403Forbidden, "requests from a page of another origin are refused")
                .ConfigureAwait(false);
            return;
        }
        await next().ConfigureAwait(false);
    }

    private async Task AuthorizeAsync(HttpContext ctx, Func<Task> next)
    {
        var path = ctx.Request.Path;
        var exempt = ApiAuth.IsExempt(path);
        // A locked-out address is refused before its key is looked at (the right key too, or the lockout would
        // only slow the guessing); POST /api/session, exempt as it checks the key itself, is locked out as well.
        if (auth.KeyRequired && (!exempt || IsKeyTrade(ctx)) && throttle.IsLockedOut(ctx.Connection.RemoteIpAddress, out var left))
        {
            await WriteLockedOutAsync(ctx, left).ConfigureAwait(false);
            return;
        }
        if (exempt || auth.IsAuthorized(ctx))
        {
            await next().ConfigureAwait(false);
            return;
        }
        RecordIfWrongKey(ctx); // a missing key (or a stale session cookie) is just 401
        await WriteErrorAsync(ctx, StatusCodes.Status401Unauthorized, null).ConfigureAwait(false);
    }

    private static bool IsKeyTrade(HttpContext ctx) => ctx.Request.Path == "/api/session" && HttpMethods.IsPost(ctx.Request.Method);

    private void RecordWrongKey(HttpContext ctx)
    {
        var address = ctx.Connection.RemoteIpAddress;
        if (throttle.RecordWrongKey(address))
            log.LogWarning(
                "API: {Address} locked out for {Lockout:0} s after {Count} wrong API keys within {Window:0} s (every request needing the key gets 429 meanwhile)",
                address?.ToString() ?? "unknown address",
                ApiThrottle.Lockout.TotalSeconds,
                ApiThrottle.MaxWrongKeys,
                ApiThrottle.Window.TotalSeconds
            );
    }

    private static Task WriteLockedOutAsync(HttpContext ctx, TimeSpan left)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(left.TotalSeconds));
        ctx.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ctx.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return ctx.Response.WriteAsJsonAsync(
            new ApiError(
                ErrorCode(StatusCodes.Status429TooManyRequests),
                $"too many wrong API keys from this address: locked out, retry after {seconds} s"
            ),
            ApiJson.Default.ApiError
        );
    }

    private static Task WriteErrorAsync(HttpContext ctx, int statusCode, string? detail)
    {
        ctx.Response.StatusCode = statusCode;
        return ctx.Response.WriteAsJsonAsync(new ApiError(ErrorCode(statusCode), detail), ApiJson.Default.ApiError);
    }

    private static string ErrorCode(int status) =>
        status switch
        {
            400 => "bad-request",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not-found",
            405 => "method-not-allowed",
            409 => "refused",
            413 => "payload-too-large",
            421 => "misdirected-request",
            415 => "unsupported-media-type",
            429 => "too-many-requests",
            503 => "unavailable",
            _ when status >= 500 => "internal",
            _ => "error",
        };

    internal static IResult Error(int statusCode, string? detail) =>
        Results.Json(new ApiError(ErrorCode(statusCode), detail), ApiJson.Default.ApiError, statusCode: statusCode);

    // Anyone gets the status and a short reason (monitors need no key); the level and the components' details
    // (which may quote an exception) need the key. A wrong key here counts towards the lockout like anywhere
    // else (or /health would be a free oracle), and a locked-out address gets the short answer unchecked.
    private IResult Health(HttpContext ctx)
    {
        var h = status.Health();
        var detailed = !auth.KeyRequired || (!throttle.IsLockedOut(ctx.Connection.RemoteIpAddress, out _) && Authorized(ctx));
        if (!detailed)
            h = h with { Level = null, Components = null, Degradations = null };
        return Results.Json(
            h,
            ApiJson.Default.Health,
            statusCode: h.Status == "ok" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable
        );
    }

    private bool Authorized(HttpContext ctx)
    {
        if (auth.IsAuthorized(ctx))
            return true;
        RecordIfWrongKey(ctx);
        return false;
    }

    private void RecordIfWrongKey(HttpContext ctx)
    {
        if (ctx.Request.Headers[ApiAuth.HeaderName] is { Count: > 0 } presented && !string.IsNullOrEmpty(presented[0]))
            RecordWrongKey(ctx);
    }

    private IResult Events(HttpContext ctx)
    {
        var filter = EventQuery.Parse(ctx.Request.Query, out var error);
        if (filter is null)
            return Error(StatusCodes.Status400BadRequest, error);
        try
        {
            return Results.Json(events.Read(filter), ApiJson.Default.EventPage);
        }
        catch (StorageReadException e)
        {
            log.LogWarning("API: events not readable from {Path}: {Message}", options.Storage.Path, e.Message);
            return Error(StatusCodes.Status503ServiceUnavailable, "the event store cannot be read now");
        }
    }

    private IResult Trends(HttpContext ctx)
    {
        var query = TrendsQuery.Parse(ctx.Request.Query, time.GetUtcNow(), out var error);
        if (query is null)
            return Error(StatusCodes.Status400BadRequest, error);
        try
        {
            return Results.Json(trends.Read(query) with { MediumVisibilityM = options.Risk.MediumVisibilityM }, ApiJson.Default.TrendPage);
        }
        catch (StorageReadException e)
        {
            log.LogWarning("API: trends not readable from {Path}: {Message}", options.Storage.Path, e.Message);
            return Error(StatusCodes.Status503ServiceUnavailable, "the trend store cannot be read now");
        }
    }

    private async Task<IResult> AcknowledgeAsync(HttpContext ctx, CancellationToken aborted)
    {
        var (req, error) = await ReadAsync(ctx, ApiJson.Default.AckRequest).ConfigureAwait(false);
        if (req is null)
            return error!;
        if (By(req.By) is not { } by)
            return Error(StatusCodes.Status400BadRequest, $"by: who acknowledges, 1-{MaxByLength} characters");
        var outcome = control.Acknowledge(req.Episode, by, CommandSource.Api);
        log.LogInformation(
            "API: acknowledge by {By} (episode {Episode}): {Accepted}, {Reason}",
            by,
            req.Episode?.ToString() ?? "current",
            outcome.Accepted ? "accepted" : "refused",
            outcome.Reason
        );
        return Outcome(outcome);
    }

    private async Task<IResult> MaintenanceAsync(HttpContext ctx, CancellationToken aborted)
    {
        var (req, error) = await ReadAsync(ctx, ApiJson.Default.MaintenanceRequest).ConfigureAwait(false);
        if (req is null)
            return error!;
        if (By(req.By) is not { } by)
            return Error(StatusCodes.Status400BadRequest, $"by: who asks, 1-{MaxByLength} characters");
        CommandOutcome outcome;
        if (req.End == true && req.Minutes is null)
            outcome = control.EndMaintenance(by, CommandSource.Api);
        else if (req.End is null or false && req.Minutes is >= 1 and <= MaxMaintenanceMinutes)
            outcome = control.StartMaintenance(TimeSpan.FromMinutes(req.Minutes.Value), by, CommandSource.Api);
        else
            return Error(StatusCodes.Status400BadRequest, $"give either \"minutes\" (1-{MaxMaintenanceMinutes}) or \"end\": true");
        log.LogInformation(
            "API: maintenance {What} by {By}: {Accepted}, {Reason}",
            req.End == true ? "end" : $"{req.Minutes} min",
            by,
            outcome.Accepted ? "accepted" : "refused",
            outcome.Reason
        );
        return Outcome(outcome);
    }

    private IResult Outcome(CommandOutcome outcome) =>
        Results.Json(
            new CommandResult(
                outcome.Accepted,
                outcome.Reason,
                control.CurrentEpisode,
                control.BuzzerSilenced,
                control.InMaintenance,
                control.MaintenanceUntil
            ),
            ApiJson.Default.CommandResult,
            statusCode: outcome.Accepted ? StatusCodes.Status200OK : StatusCodes.Status409Conflict
        );

    private async Task<IResult> SessionAsync(HttpContext ctx, CancellationToken aborted)
    {
        var (req, error) = await ReadAsync(ctx, ApiJson.Default.SessionRequest).ConfigureAwait(false);
        if (req is null)
            return error!;
        if (!auth.KeyRequired)
            return Results.NoContent(); // loopback without a key: nothing to trade
        if (!auth.CheckKey(req.Key))
        {
            if (!string.IsNullOrEmpty(req.Key))
                RecordWrongKey(ctx); // no key at all is not a guess
            return Error(StatusCodes.Status401Unauthorized, null);
        }
        ctx.Response.Cookies.Append(ApiAuth.CookieName, auth.NewSession(), auth.CookieOptions(ctx.Request.IsHttps));
        return Results.NoContent();
    }

    private async Task AlertsAsync(HttpContext ctx)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            await WriteErrorAsync(ctx, StatusCodes.Status400BadRequest, "a WebSocket upgrade is expected here").ConfigureAwait(false);
            return;
        }
        // The Origin of the upgrade was checked against the allowed hosts before the key (CheckHostAsync).
        using var socket = await ctx.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        await hub.RunClientAsync(socket, $"{ctx.Connection.RemoteIpAddress}:{ctx.Connection.RemotePort}", ctx.RequestAborted)
            .ConfigureAwait(false);
    }

    /// <summary>Reads a small JSON body (Content-Type application/json only: a cross-site form cannot send it).</summary>
    private static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpContext ctx, JsonTypeInfo<T> info)
        where T : class
    {
        if (!ctx.Request.HasJsonContentType())
            return (null, Error(StatusCodes.Status415UnsupportedMediaType, "send Content-Type: application/json"));
        try
        {
            var value = await JsonSerializer.DeserializeAsync(ctx.Request.Body, info, ctx.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, Error(StatusCodes.Status400BadRequest, "the body must be a JSON object")) : (value, null);
        }
        catch (JsonException e)
        {
            return (
                null,
                Error(
                    StatusCodes.Status400BadRequest,
                    $"the body is not the expected JSON{(e.Path is { Length: > 1 } p ? $" (at {p})" : "")}"
                )
            );
        }
    }

    // Over-long is refused (a clear answer); control and format characters are stripped (RemoteText); nothing left is refused.
    private static string? By(string? by) =>
        by?.Trim() is { Length: > 0 and <= MaxByLength } b && RemoteText.Clean(b) is { Length: > 0 } clean ? clean : null;

    public void Dispose()
    {
        if (_exporter.IsValueCreated)
            _exporter.Value.Dispose();
    }
}
