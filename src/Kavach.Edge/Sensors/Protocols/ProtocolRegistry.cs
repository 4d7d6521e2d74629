using System.Collections.Frozen;

namespace Kavach.Edge.Sensors.Protocols;

/// <summary>
/// The wire formats the daemon speaks, registered explicitly (no scanning): <see cref="BuiltIn"/> lists one entry per
/// protocol folder under Sensors/Protocols/. Adding a protocol is its folder plus one line here (docs/protocols.md,
/// "Adding a protocol"). Immutable; thread-safe.
/// </summary>
public sealed class ProtocolRegistry
{
    private readonly FrozenDictionary<string, ProtocolEntry> _byName;

    /// <summary>The protocols of this build.</summary>
    public static ProtocolRegistry BuiltIn { get; } =
        new([
            JsonLinesProtocol.Entry,
            TfSeriesProtocol.Entry,
            TiMmwaveProtocol.Entry,
            Ops243Protocol.Entry,
            Ld06Protocol.Entry,
            NmeaProtocol.Entry,
        ]);

    /// <exception cref="ArgumentException">Two entries share a name.</exception>
    public ProtocolRegistry(IReadOnlyList<ProtocolEntry> entries)
    {
        All = entries;
        var byName = new Dictionary<string, ProtocolEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in entries)
            if (!byName.TryAdd(e.Name, e))
                throw new ArgumentException($"protocol '{e.Name}' is registered twice", nameof(entries));
        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every entry, in registration order (the order error messages list them).</summary>
    public IReadOnlyList<ProtocolEntry> All { get; }

    /// <summary>This registry plus <paramref name="entry"/> (tests register an example protocol this way).</summary>
    public ProtocolRegistry With(ProtocolEntry entry) => new([.. All, entry]);

    /// <summary>The entry named <paramref name="name"/> (case-insensitive).</summary>
    public bool TryGet(string name, out ProtocolEntry entry) => _byName.TryGetValue(name, out entry!);
}
