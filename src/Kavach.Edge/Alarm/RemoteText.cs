using System.Globalization;
using System.Text;

namespace Kavach.Edge.Alarm;

/// <summary>
/// The one gate for free text that arrives from outside the unit (an operator's <c>by</c>, a command name,
/// a field name or value echoed in a refusal): before it reaches a log, the database or the page it is
/// stripped of control and format characters and cut to a bounded length. Without it a <c>by</c> holding
/// CR/LF forges log lines, ESC sequences repaint a technician's terminal, and bidi overrides (U+202E …)
/// make a journal or the page read differently from what was stored.
/// </summary>
public static class RemoteText
{
    /// <summary>The longest remote string kept (names, command names): enough for "signaller-7@section-control".</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// Removes C0/C1 controls (CR, LF, TAB, ESC, DEL, …), Unicode format characters (bidi embeddings,
    /// overrides and isolates, zero-width joiners and spaces, BOM), line and paragraph separators and lone
    /// surrogates; trims; and cuts to <paramref name="maxLength"/> characters (an ellipsis marks a cut,
    /// never in the middle of a surrogate pair). Null gives "".
    /// </summary>
    public static string Clean(string? text, int maxLength = MaxLength)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var sb = new StringBuilder(Math.Min(text.Length, maxLength + 1));
        var cut = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (!pair && (char.IsSurrogate(c) || !Allowed(c)))
                continue;
            if (pair && CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[i + 1])) == UnicodeCategory.Format)
            {
                i++; // tag characters and other astral format controls
                continue;
            }
            var width = pair ? 2 : 1;
            if (sb.Length + width > maxLength)
            {
                cut = true;
                break;
            }
            sb.Append(c);
            if (pair)
                sb.Append(text[++i]);
        }
        var s = sb.ToString().Trim();
        if (!cut)
            return s;
        if (s.Length >= maxLength)
            s = s[..(char.IsLowSurrogate(s[maxLength - 1]) ? maxLength - 2 : maxLength - 1)];
        return s + "…";
    }

    /// <summary>True when <paramref name="text"/> would pass <see cref="Clean"/> unchanged.</summary>
    public static bool IsClean(string? text, int maxLength = MaxLength) => text is not null && Clean(text, maxLength) == text;

    private static bool Allowed(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.Control
            or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.PrivateUse => false,
            _ => true,
        };
}
