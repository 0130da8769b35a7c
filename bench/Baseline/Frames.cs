using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ChatApp.Bench.Baseline;

/// <summary>Server frames written straight to UTF-8 with the contract's field names.</summary>
public static class Frames
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static byte[] Event(string room, long seq, string kind, string sender, string? text, string? clientMsgId, string? user) =>
        Write(w =>
        {
            w.WriteString("type", "event");
            w.WriteString("room", room);
            w.WriteNumber("seq", seq);
            w.WriteString("kind", kind);
            w.WriteString("sender", sender);
            w.WriteString("ts", Now());
            if (text is not null)
            {
                w.WriteString("text", text);
            }
            if (clientMsgId is not null)
            {
                w.WriteString("clientMsgId", clientMsgId);
            }
            if (user is not null)
            {
                w.WriteString("user", user);
            }
        });

    public static byte[] Reply(string reference, Action<Utf8JsonWriter> data) =>
        Write(w =>
        {
            w.WriteString("type", "reply");
            w.WriteString("ref", reference);
            w.WriteBoolean("ok", true);
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
        });

    public static byte[] Error(string? reference, string code, string message) =>
        Write(w =>
        {
            w.WriteString("type", "error");
            if (reference is not null)
            {
                w.WriteString("ref", reference);
            }
            w.WriteString("code", code);
            w.WriteString("message", message);
        });

    public static string Now() => DateTime.UtcNow.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
