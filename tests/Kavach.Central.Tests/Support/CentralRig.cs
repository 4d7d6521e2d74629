using Kavach.Central.Configuration;
using Kavach.Central.Database;
using Kavach.Central.Hosting;
using Kavach.Central.Ingest;
using Kavach.Edge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kavach.Central.Tests.Support;

/// <summary>kavach-central in the test process (the same composition root as the service), on a real broker and
/// a real PostgreSQL database; HTTP on a free loopback port.</summary>
public sealed class CentralRig : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CentralRig(WebApplication app, NpgsqlDataSource db)
    {
        _app = app;
        Db = db;
    }

    public NpgsqlDataSource Db { get; }
    public IngestCounters Counters => _app.Services.GetRequiredService<IngestCounters>();

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<CentralRig> StartAsync(
        int brokerPort,
        string connectionString,
        string clientId = "central-1",
        Dictionary<string, string?>? extra = null
    )
    {
        var values = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Database:RetryMinMs"] = "50",
            ["Database:RetryMaxMs"] = "500",
            ["Mqtt:Port"] = brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:ClientId"] = clientId,
            ["Mqtt:ReconnectMinMs"] = "50",
            ["Mqtt:ReconnectMaxMs"] = "500",
            ["Http:Url"] = "http://127.0.0.1:0",
        };
        foreach (var (k, v) in extra ?? [])
            values[k] = v;
        var errors = new List<string>();
        var options = CentralOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), errors);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var db = NpgsqlDataSource.Create(options.Database.ConnectionString);
        await Migrator.ApplyAsync(db, default);
        var logger = new Serilog.LoggerConfiguration().CreateLogger();
        var app = CentralHost.Build(options, logger, db);
        await app.StartAsync();
        var rig = new CentralRig(app, db);
        await Wait.UntilAsync(() => rig.Counters.Connected, "kavach-central to connect to the broker");
        return rig;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = Db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private bool _disposed;

    /// <summary>Stops the central (a test may stop it early, to see what its clients do without it); idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Db.DisposeAsync();
    }
}
