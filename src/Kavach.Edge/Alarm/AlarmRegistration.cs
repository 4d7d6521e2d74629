using Kavach.Edge.Configuration;
using Kavach.Edge.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace Kavach.Edge.Alarm;

/// <summary>Registers the alarm's parts (the composition root calls this with the outputs, first).</summary>
public static class AlarmRegistration
{
    public static IServiceCollection AddAlarm(this IServiceCollection s, KavachOptions options)
    {
        s.AddSingleton(options.Alarm);
        s.AddSingleton<PipelineHealth>();
        s.AddSingleton<AlarmControl>();
        s.AddSingleton<AlarmOutputs>();
        s.AddSingleton<AlarmEngine>();
        s.AddSingleton<Heartbeat>();
        s.AddSingleton<AckButton>();
        s.AddSingleton<AlarmService>();
        s.AddHostedService(sp => sp.GetRequiredService<AlarmService>());
        return s;
    }
}
