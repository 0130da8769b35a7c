using System.Text;
using System.Text.Json.Nodes;

namespace ChatApp.Tests.Gateway;

/// <summary>Forgeries of real tokens, as an attacker holding one of their own would try them.</summary>
internal static class Tokens
{
    /// <summary>The same token claiming to be another user, its signature left as it was.</summary>
    public static string WithTamperedPayload(string token, string name)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlDecode(parts[1]))!.AsObject();
        payload["name"] = name;
        parts[1] = Base64UrlEncode(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return string.Join('.', parts);
    }

    /// <summary>The same token with one character of its signature changed.</summary>
    public static string WithTamperedSignature(string token)
    {
        var last = token[^2];
        return token[..^2] + (last == 'A' ? 'B' : 'A') + token[^1];
    }

    private static byte[] Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        return Convert.FromBase64String(padded);
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
