using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ChatApp.Bench.LoadGen.Setup;

/// <summary>
/// Signs the same HS256 JWT the gateway issues at login (claims name, uid, tv; issuer and
/// audience "chatapp"), with the signing key the bench started the gateway with. Used only for
/// users inserted by SQL: registering 20,000 users over HTTP costs 20,000 PBKDF2 hashes.
/// The gateway checks these tokens exactly as it checks its own, including the token version.
/// </summary>
public sealed class TokenMinter(string signingKey, string issuer = "chatapp", string audience = "chatapp")
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(signingKey);
    private static readonly string Header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);

    public string Mint(long userId, string name, int tokenVersion = 0)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["name"] = name,
            ["uid"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["tv"] = tokenVersion,
            ["iss"] = issuer,
            ["aud"] = audience,
            ["iat"] = now,
            ["nbf"] = now - 5,
            ["exp"] = now + 6 * 3600,
        });
        var unsigned = Header + "." + Base64Url(payload);
        var signature = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + Base64Url(signature);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
