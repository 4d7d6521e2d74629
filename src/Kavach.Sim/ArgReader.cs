using System.Globalization;

namespace Kavach.Sim;

/// <summary>A bad command line: the CLI prints the message and the verb's usage and exits 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Hand-written option reading: <c>--name value</c> or <c>--name=value</c>, positional arguments in order.</summary>
internal sealed class ArgReader
{
    private readonly string[] _args;
    private int _i;

    public ArgReader(string[] args, int start)
    {
        _args = args;
        _i = start;
    }

    public bool HelpRequested => _args.Skip(_i).Any(a => a is "--help" or "-h");

    /// <summary>Next argument: an option (name, inline value or null) or a positional (null, value).</summary>
    public bool Next(out string? option, out string? value)
    {
        option = value = null;
        if (_i >= _args.Length)
            return false;
        var a = _args[_i++];
        if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
        {
            var eq = a.IndexOf('=');
            option = eq > 0 ? a[..eq] : a;
            value = eq > 0 ? a[(eq + 1)..] : null;
        }
        else
        {
            value = a;
        }
        return true;
    }

    public string Value(string option, string? inline)
    {
        if (inline is not null)
            return inline;
        if (_i >= _args.Length || _args[_i].StartsWith("--", StringComparison.Ordinal))
            throw new UsageException($"{option} needs a value");
        return _args[_i++];
    }

    public static double PositiveDouble(string option, string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v > 0) || double.IsInfinity(v))
            throw new UsageException($"{option}: '{text}' is not a positive number");
        return v;
    }

    public static ulong Seed(string option, string text)
    {
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            throw new UsageException($"{option}: '{text}' is not a non-negative integer");
        return v;
    }
}
