using System.Text.Json;
using ChatApp.Errors;

namespace ChatApp.Gateway.Protocol;

/// <summary>
/// One parsed client frame. Field readers throw <see cref="ChatException"/> with code
/// <c>bad_request</c>, which the session answers as an error frame without closing.
/// </summary>
public sealed class ClientFrame
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 16 };
    private readonly JsonElement _root;

    private ClientFrame(JsonElement root, string type, string? reference)
    {
        _root = root;
        Type = type;
        Ref = reference;
    }

    public string Type { get; }
    public string? Ref { get; }

    /// <summary>Parses a frame; the ref is read first so that even a frame with a bad type gets its answer.</summary>
    public static ClientFrame Parse(ReadOnlyMemory<byte> utf8, out string? reference)
    {
        reference = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8, ParseOptions);
        }
        catch (JsonException)
        {
            throw BadRequest("A frame is one JSON object.");
        }
        using (doc)
        {
            var root = doc.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw BadRequest("A frame is one JSON object.");
            }
            if (root.TryGetProperty("ref", out var r))
            {
                if (r.ValueKind != JsonValueKind.String || r.GetString() is not { Length: >= 1 and <= 64 } refText)
                {
                    throw BadRequest("ref is a string of 1 to 64 characters.");
                }
                reference = refText;
            }
            if (!root.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
            {
                throw BadRequest("A frame needs a string type.");
            }
            return new ClientFrame(root, t.GetString()!, reference);
        }
    }

    public string String(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw BadRequest($"'{name}' must be a string.");
        }
        return value.GetString()!;
    }

    public long Long(string name) =>
        OptionalLong(name) ?? throw BadRequest($"'{name}' is required.");

    /// <summary>A non-negative integer, or null when absent; anything else (fractions, huge numbers, strings) is refused.</summary>
    public long? OptionalLong(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < 0)
        {
            throw BadRequest($"'{name}' must be a non-negative integer.");
        }
        return number;
    }

    public bool Has(string name) => _root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement? Object(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Object ? value : throw BadRequest($"'{name}' must be an object.");
    }

    public static ChatException BadRequest(string message) => new(ErrorCodes.BadRequest, message);
}
