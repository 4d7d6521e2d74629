using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Kavach.Edge.Configuration;

/// <summary>
/// <c>Transport.AllowedClients</c> of a tcp-listen sensor: the addresses and CIDR blocks (IPv4 and IPv6) a client may
/// connect from. An IPv4-mapped IPv6 peer (<c>::ffff:10.0.0.5</c>, what a dual-stack socket bound to <c>::</c> reports
/// for an IPv4 client) is matched against the IPv4 entries. Immutable, thread-safe.
/// </summary>
public sealed class ClientAllowList
{
    /// <summary>The default: loopback only (the simulator, the demo, a local gateway). A sensor on the network is listed
    /// explicitly.</summary>
    public static readonly ClientAllowList LoopbackOnly = new([IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")]);

    private readonly IPNetwork[] _networks;

    private ClientAllowList(IPNetwork[] networks) => _networks = networks;

    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>True when <paramref name="peer"/> falls in one of the entries.</summary>
    public bool Allows(IPAddress peer)
    {
        if (peer.IsIPv4MappedToIPv6)
            peer = peer.MapToIPv4();
        foreach (var n in _networks)
            if (n.Contains(peer))
                return true;
        return false;
    }

    /// <summary>Parses the config entries; each bad one adds an error line (index, value, what is wrong) to
    /// <paramref name="errors"/>.</summary>
    public static ClientAllowList Parse(IReadOnlyList<string> entries, Action<int, string> error)
    {
        var networks = new List<IPNetwork>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (TryParseEntry(entries[i], out var n, out var why))
                networks.Add(n);
            else
                error(i, why);
        }
        return new ClientAllowList([.. networks]);
    }

    /// <summary>One entry: an address (<c>192.168.10.21</c>, <c>fd00::7</c>) or a CIDR block (<c>192.168.10.0/24</c>,
    /// <c>fd00::/64</c>).</summary>
    public static bool TryParseEntry(string text, out IPNetwork network, out string why)
    {
        network = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%'))
        {
            why = $"'{text}' is not an IP address or CIDR block (e.g. 192.168.10.21, 192.168.10.0/24, fd00::/64)";
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4(); // ::ffff:a.b.c.d is matched as a.b.c.d
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (
            slash >= 0
            && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits)
        )
        {
            why = $"'{text}': the prefix length must be 0-{bits}";
            return false;
        }
        var masked = Mask(address, prefix);
        if (!masked.Equals(address))
        {
            why = $"'{text}' has address bits set beyond /{prefix} (did you mean {masked}/{prefix}?)";
            return false;
        }
        network = new IPNetwork(address, prefix);
        why = "";
        return true;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }

    public override string ToString() => string.Join(", ", _networks.Select(n => n.ToString()));

    /// <summary>Same entries in the same order (sensors sharing a port must agree).</summary>
    public bool SameAs(ClientAllowList other) => _networks.SequenceEqual(other._networks);
}
