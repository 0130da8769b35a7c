using System.Text.Json;
using ChatApp.Errors;

namespace ChatApp.Gateway.Protocol;

/// <summary>
/// One parsed client frame. Field readers throw <see cref="ChatException"/> with code
/// <c>bad_request</c>, which the session answers as an error frame without closing.
/// </summary>
public sealed class ClientFrame
{
    /// <summary>How deep a frame may nest; the contract's frames need three levels.</summary>
    public const int MaxDepth = 16;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaxDepth };
    private readonly JsonElement _root;

    private ClientFrame(JsonElement root, string type, string? reference)
    {
        _root = root;
        Type = type;
        Ref = reference;
    }

    public string Type { get; }
    public string? Ref { get; }

    /// <summary>
    /// Parses a frame; the ref is read first so that even a frame with a bad type gets its answer.
    /// Every string in it, names included, is then checked to be valid Unicode: JSON may escape a
    /// lone surrogate (<c>"\ud800"</c>), which no string can hold, and finding it now makes it a
    /// <c>bad_request</c> like any other malformed frame instead of a failure deep in a handler.
    /// </summary>
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
            reference = ReadRef(root);
            if (!IsValidUnicode(root))
            {
                throw InvalidUnicode();
            }
            if (!root.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
            {
                throw BadRequest("A frame needs a string type.");
            }
            return new ClientFrame(root, t.GetString()!, reference);
        }
    }

    /// <summary>
    /// The frame's ref: null when absent; a ref that is not a short, valid string is refused,
    /// unanswerable by ref. Names are compared one by one, so that a name that cannot be decoded
    /// (refused just after) does not hide the ref beside it.
    /// </summary>
    private static string? ReadRef(JsonElement root)
    {
        JsonElement? found = null;
        foreach (var property in root.EnumerateObject())
        {
            try
            {
                if (property.NameEquals("ref"))
                {
                    found = property.Value; // the last one wins, as with every other field
                }
            }
            catch (InvalidOperationException)
            {
                // A lone surrogate in this name: not the ref.
            }
        }
        if (found is not { } r)
        {
            return null;
        }
        try
        {
            if (r.ValueKind == JsonValueKind.String && r.GetString() is { Length: >= 1 and <= 64 } refText)
            {
                return refText;
            }
        }
        catch (InvalidOperationException)
        {
            throw InvalidUnicode(); // a lone surrogate in the ref itself: it cannot be answered on
        }
        throw BadRequest("ref is a string of 1 to 64 characters.");
    }

    /// <summary>Whether every string and property name in the element decodes (the depth is bounded by the parse).</summary>
    private static bool IsValidUnicode(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        if (!IsValidUnicode(property.Value))
                        {
                            return false;
                        }
                    }
                    return true;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        if (!IsValidUnicode(item))
                        {
                            return false;
                        }
                    }
                    return true;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
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

    /// <summary>A list of ids (attachment ids, say), or null when absent; anything but an array of UUID strings is refused.</summary>
    public IReadOnlyList<Guid>? OptionalIds(string name, int max)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > max)
        {
            throw BadRequest($"'{name}' must be an array of at most {max} ids.");
        }
        var ids = new List<Guid>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !Guid.TryParse(item.GetString(), out var id))
            {
                throw BadRequest($"'{name}' must be an array of ids.");
            }
            ids.Add(id);
        }
        return ids;
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

    private static ChatException InvalidUnicode() => BadRequest("A frame's strings must be valid Unicode (no lone surrogates).");
}
