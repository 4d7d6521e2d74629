using Kavach.Central.Configuration;
using Kavach.Central.Database;
using Kavach.Central.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Serilog.Extensions.Logging;

namespace Kavach.Central.Hosting;

/// <summary>
/// The composition root: the database, partition maintenance, the ingest, the silence sweeper and the HTTP API, registered
/// explicitly.
/// Start order: partitions, then the ingest (downstream first); the host stops them in reverse.
/// </summary>
public static class CentralHost
{
    public static WebApplication Build(CentralOptions options, Serilog.ILogger logger, NpgsqlDataSource db)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new SerilogLoggerProvider(logger));
        builder.Host.ConfigureHostOptions(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.WebHost.UseUrls(options.Http.Url);
        var s = builder.Services;
        s.AddSingleton(options);
        s.AddSingleton(db);
        s.AddSingleton(TimeProvider.System);
        s.AddSingleton<IngestCounters>();
        s.AddSingleton<BatchCommitter>();
        s.AddSingleton<CentralMetrics>();
        s.AddHostedService<PartitionMaintenance>();
        s.AddSingleton<MqttIngest>();
        s.AddHostedService(sp => sp.GetRequiredService<MqttIngest>());
        s.AddSingleton<Commands>();
        s.AddHostedService<SilenceSweeper>();
        s.ConfigureHttpJsonOptions(j => j.SerializerOptions.TypeInfoResolverChain.Insert(0, FleetJson.Default));

        var app = builder.Build();
        app.MapGet("/api/fleet", async (CancellationToken ct) =>
            Results.Json(
                await FleetQuery
                    .ReadAsync(db, options.Fleet.SilenceLimit, options.Fleet.KeepAliveS, TimeProvider.System.GetUtcNow(), ct)
                    .ConfigureAwait(false),
                FleetJson.Default.FleetView
            )
        );
        app.MapGet("/api/devices/{id}/alerts", async (string id, string? before, string? limit, CancellationToken ct) =>
        {
            DateTimeOffset? from = null;
            if (!string.IsNullOrEmpty(before))
            {
                if (
                    !DateTimeOffset.TryParse(
                        before,
                        System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal,
                        out var t
                    )
                )
                    return Error(400, "before: not an ISO 8601 time (e.g. 2026-12-01T06:14:03.217Z)");
                from = t;
            }
            var n = FleetQuery.DefaultLimit;
            if (
                !string.IsNullOrEmpty(limit)
                && (!int.TryParse(limit, System.Globalization.CultureInfo.InvariantCulture, out n) || n < 1 || n > FleetQuery.MaxLimit)
            )
                return Error(400, $"limit: must be 1-{FleetQuery.MaxLimit}");
            var view = await FleetQuery.HistoryAsync(db, id, from, n, ct).ConfigureAwait(false);
            return view is null ? Error(404, $"no device '{id}'") : Results.Json(view, FleetJson.Default.HistoryView);
        });
        // commands and the audit need an operator key (X-Api-Key); the audit is only added to and read, never changed
        app.MapPost("/api/devices/{id}/ack", (HttpContext http, string id, Commands c) => c.AckAsync(http, id));
        app.MapPost("/api/devices/{id}/maintenance", (HttpContext http, string id, Commands c) => c.MaintenanceAsync(http, id));
        app.MapGet("/api/audit", (HttpContext http, string? device, string? limit, Commands c) => c.AuditAsync(http, device, limit));
        app.MapGet("/api/audit/{id:guid}", (HttpContext http, Guid id, Commands c) => c.AuditEntryAsync(http, id));
        foreach (var path in FleetPage.Paths)
            app.MapGet(path, (HttpContext http) => FleetPage.Get(http, path));
        app.MapGet("/health", (IngestCounters c) =>
        {
            var view = new HealthView(
                c.Connected ? "ok" : "mqtt-disconnected",
                c.Connected,
                c.Received,
                c.Committed,
                c.AlertsNew,
                c.Duplicates,
                c.Rejects,
                c.Batches,
                c.FailedCommits,
                c.Acknowledged
            );
            return c.Connected
                ? Results.Json(view, FleetJson.Default.HealthView)
                : Results.Json(view, FleetJson.Default.HealthView, statusCode: 503);
        });
        app.MapGet("/metrics", async (HttpContext http, CentralMetrics metrics) =>
        {
            await metrics.RefreshAsync(http.RequestAborted).ConfigureAwait(false);
            http.Response.ContentType = CentralMetrics.ContentType;
            await metrics.WriteAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
        });
        return app;
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new ErrorView(message), FleetJson.Default.ErrorView, statusCode: status);
}
