using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Kavach.Edge.Configuration;

/// <summary>
/// Reads one configuration section into an options object by explicit calls (trim-safe: no reflection),
/// collecting one error line per problem with the key's path (<c>Sensors[1].Transport.Port: must be 1-65535</c>).
/// Every key a section does not read is reported as unknown by <see cref="Dispose"/>, so a typo never
/// falls back silently to a default. We chose this over the binding source generator because the binder
/// stops at the first conversion error and cannot say which keys it did not use.
/// </summary>
public sealed class ConfigReader : IDisposable
{
    private readonly IConfiguration _section;
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a reader for <paramref name="section"/> whose display path is <paramref name="path"/>.</summary>
    public ConfigReader(IConfiguration section, string path, List<string> errors)
    {
        _section = section;
        Path = path;
        Errors = errors;
    }

    /// <summary>Display path of this section ("" for the root, "Sensors[1].Transport", ...).</summary>
    public string Path { get; }

    /// <summary>The shared error list (one line per problem).</summary>
    public List<string> Errors { get; }

    /// <summary>The display path of a key in this section.</summary>
    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>Adds an error for <paramref name="key"/>.</summary>
    public void Error(string key, string message) => Errors.Add($"{KeyPath(key)}: {message}");

    /// <summary>True when the key is present with a non-empty value or children.</summary>
    public bool Has(string key)
    {
        var s = _section.GetSection(key);
        return !string.IsNullOrEmpty(s.Value) || s.GetChildren().Any();
    }

    /// <summary>Marks a key as read without reading it (a key refused by the caller's own check).</summary>
    public void Seen(string key) => _used.Add(key);

    /// <summary>Marks every key of this section as read (a section refused as a whole, with its own error line).</summary>
    public void SkipAll()
    {
        foreach (var child in _section.GetChildren())
            _used.Add(child.Key);
    }

    // Typed values: absent → null (the default applies); present but empty (JSON "" or null) → an error,
    // since an empty value is a mistake, not a request for the default.
    private string? Raw(string key)
    {
        var raw = RawString(key);
        if (raw is { Length: 0 })
        {
            Error(key, "must not be empty");
            return null;
        }
        return raw;
    }

    private string? RawString(string key)
    {
        _used.Add(key);
        var s = _section.GetSection(key);
        if (s.Value is null && s.GetChildren().Any())
        {
            Error(key, "must be a single value, not a section or an array");
            return null;
        }
        return s.Value;
    }

    /// <summary>A string value, or <paramref name="fallback"/> when absent; "" is kept where <paramref name="allowEmpty"/>.</summary>
    public string String(string key, string fallback, bool allowEmpty = true) => (allowEmpty ? RawString(key) : Raw(key)) ?? fallback;

    /// <summary>A string value, or null when absent or empty.</summary>
    public string? OptionalString(string key) => RawString(key) is { Length: > 0 } v ? v : null;

    /// <summary>A whole number within [min, max].</summary>
    public int Int(string key, int fallback, int min, int max)
    {
        var raw = Raw(key);
        if (raw is null)
            return fallback;
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            Error(key, $"must be a whole number, got '{raw}'");
            return fallback;
        }
        if (v < min || v > max)
            Error(key, $"must be {min}-{max}, got {v}");
        return v;
    }

    /// <summary>A finite number within [min, max].</summary>
    public double Double(string key, double fallback, double min, double max)
    {
        var raw = Raw(key);
        if (raw is null)
            return fallback;
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            Error(key, $"must be a number, got '{raw}'");
            return fallback;
        }
        if (v < min || v > max)
            Error(key, $"must be {Fmt(min)}-{Fmt(max)}, got {Fmt(v)}");
        return v;
    }

    /// <summary>true or false.</summary>
    public bool Bool(string key, bool fallback)
    {
        var raw = Raw(key);
        if (raw is null)
            return fallback;
        if (bool.TryParse(raw, out var v))
            return v;
        Error(key, $"must be true or false, got '{raw}'");
        return fallback;
    }

    /// <summary>One of the names in <paramref name="names"/> (case-insensitive), mapped to its value.</summary>
    public T Choice<T>(string key, T fallback, params (string Name, T Value)[] names)
    {
        var raw = Raw(key);
        if (raw is null)
            return fallback;
        foreach (var (name, value) in names)
            if (string.Equals(name, raw, StringComparison.OrdinalIgnoreCase))
                return value;
        Error(key, $"must be one of {string.Join(", ", names.Select(n => n.Name))}, got '{raw}'");
        return fallback;
    }

    /// <summary>An array of strings (<c>["a", "b"]</c>), or null when absent; an element that is a section, or empty, is an
    /// error.</summary>
    public List<string>? StringList(string key)
    {
        _used.Add(key);
        var s = _section.GetSection(key);
        if (!string.IsNullOrEmpty(s.Value))
        {
            Error(key, "must be an array of strings ([\"...\", ...])");
            return null;
        }
        var children = s.GetChildren().ToList();
        if (children.Count == 0)
            return null;
        var list = new List<string>(children.Count);
        foreach (var child in children.OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
        {
            if (
                !int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                || child.GetChildren().Any()
                || string.IsNullOrWhiteSpace(child.Value)
            )
                Errors.Add($"{KeyPath(key)}[{child.Key}]: must be a non-empty string");
            else
                list.Add(child.Value.Trim());
        }
        return list;
    }

    /// <summary>Reads a child section with its own unknown-key check.</summary>
    public void Section(string key, Action<ConfigReader> read)
    {
        _used.Add(key);
        var s = _section.GetSection(key);
        if (!string.IsNullOrEmpty(s.Value))
        {
            Error(key, "must be a section ({ ... }), not a single value");
            return;
        }
        using var child = new ConfigReader(s, KeyPath(key), Errors);
        read(child);
    }

    /// <summary>Reads an array section, one element at a time; returns the element count.</summary>
    public int Array(string key, Action<ConfigReader, int> readElement)
    {
        _used.Add(key);
        var s = _section.GetSection(key);
        if (!string.IsNullOrEmpty(s.Value))
        {
            Error(key, "must be an array ([ ... ])");
            return 0;
        }
        var children = s.GetChildren().ToList();
        var count = 0;
        foreach (var child in children.OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index != count)
            {
                Errors.Add($"{KeyPath(key)}.{child.Key}: unknown key (expected an array of entries)");
                continue;
            }
            using var r = new ConfigReader(child, $"{KeyPath(key)}[{index}]", Errors);
            readElement(r, index);
            count++;
        }
        return count;
    }

    /// <summary>Reports every key of this section that was not read.</summary>
    public void Dispose()
    {
        foreach (var child in _section.GetChildren())
            if (!_used.Contains(child.Key))
                Errors.Add($"{KeyPath(child.Key)}: unknown key");
    }

    private static string Fmt(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
