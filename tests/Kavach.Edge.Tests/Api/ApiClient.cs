using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Kavach.Edge.Tests.Api;

/// <summary>Small helpers for talking to the API in tests: JSON requests and WebSocket messages.</summary>
public static class ApiClient
{
    public static async Task<(HttpStatusCode Status, JsonElement Json)> GetJsonAsync(this HttpClient c, string path)
    {
        using var r = await c.GetAsync(path);
        return (r.StatusCode, await ReadJsonAsync(r));
    }

    public static async Task<(HttpStatusCode Status, JsonElement Json)> PostJsonAsync(this HttpClient c, string path, string json)
    {
        using var r = await c.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (r.StatusCode, await ReadJsonAsync(r));
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        if (text.Length == 0)
            return default;
        Assert.StartsWith("application/json", r.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The next text message, parsed; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task<JsonElement> ReceiveJsonAsync(this WebSocket ws, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        using var ms = new MemoryStream();
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
                throw new WebSocketException("closed by the server: " + r.CloseStatusDescription);
            ms.Write(buffer, 0, r.Count);
            if (r.EndOfMessage)
                break;
        }
        return JsonDocument.Parse(ms.ToArray()).RootElement.Clone();
    }

    /// <summary>Reads messages until one matches; fails after <paramref name="timeout"/>.</summary>
    public static async Task<JsonElement> ReceiveUntilAsync(this WebSocket ws, Func<JsonElement, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            JsonElement m;
            try
            {
                m = await ws.ReceiveJsonAsync(left);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
                throw;
            }
            if (match(m))
                return m;
        }
    }

    public static Uri WsUri(string apiUrl, string path = "/ws/alerts") =>
        new(apiUrl.Replace("http://", "ws://", StringComparison.Ordinal).Replace("https://", "wss://", StringComparison.Ordinal) + path);

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
}
