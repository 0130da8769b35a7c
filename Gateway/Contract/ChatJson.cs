using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatApp.Gateway.Contract;

/// <summary>The contract's JSON: camelCase names, absent rather than null fields, times with milliseconds.</summary>
public static class ChatJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new UtcMillisecondsConverter());
        return options;
    }

    /// <summary>Writes the exact contract form 2026-11-28T12:00:00.123Z, never trimming the milliseconds.</summary>
    public sealed class UtcMillisecondsConverter : JsonConverter<DateTime>
    {
        public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTime().ToUniversalTime();

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));
    }
}
