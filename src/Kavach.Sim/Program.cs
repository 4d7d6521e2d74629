using Kavach.Sim;

// kavach-sim: physics scenarios → real wire formats → pty / TCP / MQTT. See docs/simulator.md.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop cleanly: outputs closed, recordings flushed
    stop.Cancel();
};
return await SimCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, stop.Token);
