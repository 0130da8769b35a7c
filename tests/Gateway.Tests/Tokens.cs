using System.Security.Cryptography;
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

    /// <summary>
    /// The same token, every claim still valid (issuer, audience, expiry, user, version), but its
    /// header saying <c>alg: none</c> and its signature dropped: refused only if the algorithm is checked.
    /// </summary>
    public static string WithAlgorithmNone(string token)
    {
        var parts = token.Split('.');
        var header = JsonNode.Parse(Base64UrlDecode(parts[0]))!.AsObject();
        header["alg"] = "none";
        return $"{Base64UrlEncode(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{parts[1]}.";
    }

    /// <summary>The same token, every claim still valid, signed with HS256 under a key the gateway does not hold.</summary>
    public static string SignedWithAnotherKey(string token)
    {
        var parts = token.Split('.');
        var key = Encoding.UTF8.GetBytes("an attacker's own key of at least 32 bytes, unknown to the gateway");
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        return $"{parts[0]}.{parts[1]}.{Base64UrlEncode(signature)}";
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
