using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Model;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Kavach.Edge.Storage;
using Kavach.Edge.Uplink;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;

namespace Kavach.Edge.Hosting;

/// <summary>
/// The composition root: it reads like the diagram in ARCHITECTURE.md. Hosted services start in
/// registration order — outputs first, then the pipeline, inputs last — and stop in reverse, draining.
/// </summary>
public static class DaemonHost
{
    /// <summary>Shutdown budget: SIGTERM → exit within 5 s (systemd's default stop timeout is far longer).</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(4);

    public static IHost Build(KavachOptions options, Logger logger, TimeProvider time, Action<IServiceCollection>? extra = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: false);
        builder.Services.AddSystemd(); // READY=1 once started, STOPPING=1 on stop; no-op outside systemd
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = ShutdownTimeout);

        var s = builder.Services;
        s.AddSingleton(options);
        s.AddSingleton(time);
        s.AddSingleton<StageFaults>();
        s.AddSingleton<RiskBroadcaster>();

        // one daemon per state folder: the lock is taken before any output opens hardware
        s.AddSingleton<InstanceLock>();
        s.AddHostedService(sp => sp.GetRequiredService<InstanceLock>());

        // the fan-out: every arrow of the diagram, connected before anything starts, taken away after the
        // outputs have drained (this service stops after them)
        s.AddHostedService(sp =>
        {
            var risk = sp.GetRequiredService<RiskBroadcaster>();
            var storage = sp.GetRequiredService<StorageService>();
            var alarm = sp.GetRequiredService<AlarmControl>();
            List<FanOut.Edge> edges =
            [
                FanOut.RiskToStorage(risk, storage),
                FanOut.TicksToStorage(sp.GetRequiredService<Pipeline.TickPipeline>(), storage),
                FanOut.OperatorToStorage(alarm, storage),
                FanOut.CommitsToUplink(storage, sp.GetRequiredService<UplinkService>()),
            ];
            if (options.Api.Enabled)
            {
                var hub = sp.GetRequiredService<Api.AlertHub>();
                edges.Add(FanOut.RiskToApi(risk, hub));
                edges.Add(FanOut.OperatorToApi(alarm, hub));
            }
            return new FanOut(edges);
        });

        // the commissioning record fills what the configuration leaves unset, before any stage reads the options;
        // one made for another sensor set throws ConfigurationRefusedException (exit 2)
        var commissioning = Commissioning.CommissioningState.Load(options);
        s.AddSingleton(commissioning);
        s.AddSingleton<Commissioning.ICommissionedScene>(commissioning);
        s.AddSingleton<Commissioning.Degradations>();

        // readings ──▶ fusion tick ──▶ assessment ──▶ risk state
        s.AddSingleton(_ => new ReadingQueue(options.Fusion.QueueCapacity));
        s.AddSingleton<FusionEngine>();
        // a cab judges a moving scene with its own floor (docs/locomotive.md); the model, trained on a post's still
        // scene, is not used there: the floor alone decides, and the model's state says why
        var cab = options.Device.Mode == DeviceMode.Locomotive;
        if (cab)
            s.AddSingleton<ISafetyFloor>(_ => new Locomotive.LocomotiveFloor(options, time, static snapshot => snapshot.Motion));
        else
            s.AddSingleton<ISafetyFloor, SafetyFloor>();
        // the model loads here, before anything starts: a file that cannot be used throws ModelLoadException
        // (exit 2) unless Model.OnLoadFailure is floor-only
        var (model, modelState, modelReason) = cab
            ? (
                null,
                ModelState.Disabled,
                "locomotive mode: the model was trained on a trackside post's still scene; the cab's floor alone decides"
            )
            : ModelLayer.Load(options.Model);
        s.AddSingleton(sp => new ModelLayer(options, model, sp.GetRequiredService<ILogger<ModelLayer>>(), modelState, modelReason));
        // the route files load here, before anything starts: a bad row throws ConfigurationRefusedException (exit 2)
        if (cab && options.Route.Present)
            s.AddSingleton(Route.RouteFiles.Load(options.Route, options.Source));
        s.AddSingleton<RiskStateMachine>();
        s.AddSingleton<Pipeline.TickPipeline>();

        // coverage and commissioning as health: degradations in place before any output shows the state
        // (a post's: a cab has no fixed scene to commission, and its floor states its own coverage on curves)
        if (!cab)
        {
            s.AddSingleton<Commissioning.CoverageMonitor>();
            s.AddHostedService(sp => sp.GetRequiredService<Commissioning.CoverageMonitor>());
        }

        // outputs first: alarm (shortest path), store, uplink (drains the store's outbox)
        s.AddAlarm(options);
        s.AddSingleton(sp => new StorageService(
            options,
            sp.GetRequiredService<StageFaults>(),
            time,
            sp.GetRequiredService<ILogger<StorageService>>(),
            sp.GetService<AlarmControl>()
        ));
        s.AddHostedService(sp => sp.GetRequiredService<StorageService>());
        s.AddSingleton(sp => new UplinkService(
            options,
            sp.GetRequiredService<StorageService>(),
            sp.GetRequiredService<RiskBroadcaster>(),
            sp.GetRequiredService<StageFaults>(),
            time,
            sp.GetRequiredService<ILogger<UplinkService>>(),
            new AlarmCommandTarget(sp.GetRequiredService<AlarmControl>())
        )
        {
            Degradations = sp.GetRequiredService<Commissioning.Degradations>(),
            Cab = cab ? () => sp.GetRequiredService<Pipeline.TickPipeline>().LastAssessment?.Cab : null,
        });
        s.AddHostedService(sp => sp.GetRequiredService<UplinkService>());

        // the local API and status page (an output too: it shows what the others do)
        s.AddSingleton<KavachMetrics>();
        s.TryAddSingleton<AlarmControl>();
        s.AddSingleton(sp => new Api.ApiAuth(options.Api, time));
        s.AddSingleton(sp => new Api.ApiThrottle(time, sp.GetRequiredService<KavachMetrics>()));
        s.AddSingleton<IEventReader>(sp => sp.GetRequiredService<StorageService>().Events);
        s.AddSingleton<ITrendReader>(_ => new TrendReader(options.Storage.Path));
        s.AddSingleton<Api.StatusReader>();
        s.AddSingleton<Api.AlertHub>();
        s.AddSingleton<Api.ApiEndpoints>();
        s.AddSingleton<Api.ApiServer>();
        s.AddHostedService(sp => sp.GetRequiredService<Api.ApiServer>());

        // a cab's route: landmarks announced on the lamps and buzzer (and spoken), subscribed before the first tick
        if (cab && options.Route.Present)
        {
            if (options.Alarm.Voice.Enabled)
                s.AddSingleton<Alarm.VoiceQueue>();
            s.AddSingleton<Route.RouteAnnouncer>();
            s.AddHostedService(sp => sp.GetRequiredService<Route.RouteAnnouncer>());
        }

        // then the pipeline, then the inputs
        s.AddSingleton<Pipeline.PipelineService>();
        s.AddHostedService(sp => sp.GetRequiredService<Pipeline.PipelineService>());
        s.AddSingleton<SensorInputService>();
        s.AddHostedService(sp => sp.GetRequiredService<SensorInputService>());

        // last: heartbeat file and systemd watchdog, sent only while the pipeline is healthy
        s.AddSingleton(sp => new ServiceHeartbeat(
            options,
            sp.GetRequiredService<Pipeline.TickPipeline>(),
            sp.GetRequiredService<StageFaults>(),
            time,
            sp.GetService<ISystemdNotifier>() ?? new SystemdNotifier(),
            sp.GetRequiredService<ILogger<ServiceHeartbeat>>()
        ));
        s.AddHostedService(sp => sp.GetRequiredService<ServiceHeartbeat>());

        extra?.Invoke(s);
        return builder.Build();
    }
}
