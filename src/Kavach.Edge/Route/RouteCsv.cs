using System.Globalization;

namespace Kavach.Edge.Route;

/// <summary>
/// The CSV form of a route file (docs/route.md): UTF-8, a header row naming the columns (any order, case-insensitive),
/// one row per landmark; blank lines and lines starting with <c>#</c> are skipped; a field may be quoted ("Rampur, home")
/// with <c>""</c> for a quote inside. Hand-written: no reflection, trim-safe.
/// </summary>
public static class RouteCsv
{
    private static readonly string[] Required =
    [
        RouteRow.KindField,
        RouteRow.NameField,
        RouteRow.LatField,
        RouteRow.LonField,
        RouteRow.LineField,
        RouteRow.DirectionField,
    ];

    private static readonly string[] Optional = [RouteRow.KmField, RouteRow.SpeedField];

    /// <summary>
    /// The rows of <paramref name="text"/>; each problem is one line in <paramref name="errors"/> beginning with
    /// <paramref name="file"/> and the line number.
    /// </summary>
    public static List<Landmark> Parse(string text, string file, List<string> errors)
    {
        var result = new List<Landmark>();
        var fields = new List<string>();
        Dictionary<string, int>? columns = null;
        var lineNo = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            lineNo++;
            var line = raw;
            if (lineNo == 1 && line.Length > 0 && line[0] == '\uFEFF')
                line = line[1..]; // a byte order mark from a spreadsheet's export
            if (line.IsWhiteSpace() || line.TrimStart().StartsWith("#"))
                continue;
            var at = $"{file} line {lineNo}";
            if (!Split(line, fields, out var splitError))
            {
                errors.Add($"{at}: {splitError}");
                continue;
            }
            if (columns is null)
            {
                columns = Header(fields, at, errors);
                if (columns is null)
                    return result;
                continue;
            }
            if (fields.Count != columns.Count)
            {
                errors.Add($"{at}: has {fields.Count} fields, the header has {columns.Count} (a comma inside a name must be quoted)");
                continue;
            }
            string? Get(string name) => columns.TryGetValue(name, out var i) ? fields[i] : null;
            var landmark = RouteRow.Build(
                at,
                Get(RouteRow.KindField),
                Get(RouteRow.NameField),
                Number(Get(RouteRow.LatField), RouteRow.LatField, at, errors),
                Number(Get(RouteRow.LonField), RouteRow.LonField, at, errors),
                Get(RouteRow.LineField),
                Get(RouteRow.DirectionField),
                Number(Get(RouteRow.KmField), RouteRow.KmField, at, errors),
                Number(Get(RouteRow.SpeedField), RouteRow.SpeedField, at, errors),
                errors
            );
            if (landmark is not null)
                result.Add(landmark);
        }
        if (columns is null)
            errors.Add($"{file}: has no header row ({string.Join(",", Required)}[,{string.Join(",", Optional)}])");
        return result;
    }

    private static Dictionary<string, int>? Header(List<string> fields, string at, List<string> errors)
    {
        var before = errors.Count;
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields[i].Trim();
            if (!Required.Contains(name, StringComparer.OrdinalIgnoreCase) && !Optional.Contains(name, StringComparer.OrdinalIgnoreCase))
                errors.Add(
                    $"{at}, field {i + 1}: unknown column '{name}' (the columns are {string.Join(", ", Required)}, and optionally {string.Join(", ", Optional)})"
                );
            else if (!columns.TryAdd(name, i))
                errors.Add($"{at}, field {i + 1}: column '{name}' appears twice");
        }
        foreach (var name in Required)
            if (!columns.ContainsKey(name))
                errors.Add($"{at}, field {name}: the header has no '{name}' column");
        return errors.Count == before ? columns : null;
    }

    // An empty field is absent (NaN); anything else must be a plain decimal number.
    private static double Number(string? field, string name, string at, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(field))
            return double.NaN;
        if (double.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
            return v;
        errors.Add($"{at}, field {name}: must be a number (decimal point, no units), got '{field.Trim()}'");
        return double.PositiveInfinity; // present but bad: the row checks do not also say "is required"
    }

    /// <summary>Splits one line into fields (RFC 4180 quoting, no line break inside a field).</summary>
    internal static bool Split(ReadOnlySpan<char> line, List<string> fields, out string? error)
    {
        fields.Clear();
        error = null;
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        error = $"field {fields.Count + 1}: a quoted field has no closing quote";
                        return false;
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    sb.Append(line[i++]);
                }
                while (i < line.Length && line[i] is ' ' or '\t')
                    i++;
                if (i < line.Length && line[i] != ',')
                {
                    error = $"field {fields.Count + 1}: text after a closing quote";
                    return false;
                }
                fields.Add(sb.ToString());
            }
            else
            {
                var end = line[i..].IndexOf(',');
                var field = end < 0 ? line[i..] : line.Slice(i, end);
                fields.Add(field.ToString());
                i = end < 0 ? line.Length : i + end;
            }
            if (i >= line.Length)
                return true;
            i++; // the comma
            if (i == line.Length)
            {
                fields.Add("");
                return true;
            }
        }
    }
}
