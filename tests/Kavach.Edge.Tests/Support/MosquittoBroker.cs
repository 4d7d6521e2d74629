namespace Kavach.Edge.Tests.Support;

/// <summary>
/// The shared test broker: mosquitto on a free loopback port, anonymous, persistence on
/// (<c>listener PORT 127.0.0.1</c>, <c>allow_anonymous true</c>, <c>persistence true</c>, temporary
/// persistence folder, <c>user root</c>). Fails clearly when mosquitto is missing.
/// TLS and authentication variants: <see cref="MosquittoProcess"/>.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly MosquittoProcess _process;

    private MosquittoBroker(MosquittoProcess process) => _process = process;

    public static async Task<MosquittoBroker> StartAsync() => new(await MosquittoProcess.StartAsync());

    public int Port => _process.Port;

    public Task StopAsync() => _process.StopAsync();

    public Task RestartAsync() => _process.RestartAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
