using System.Globalization;
using System.Security.Claims;
using System.Text;
using ChatApp.Gateway.Contract;
using ChatApp.Users;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// Issues and checks the signed, expiring JWTs that HTTP calls and the WebSocket <c>hello</c>
/// both carry. The user name in the token is the only identity the gateway ever acts for. A
/// token also names its user's credentials version, so logout and password changes revoke it;
/// the user's session grain knows the current version, so checking it costs no database query.
/// </summary>
public sealed class TokenService(IOptions<AuthOptions> options, TimeProvider time, IClusterClient cluster)
{
    public const string NameClaim = "name";
    public const string UserIdClaim = "uid";
    public const string VersionClaim = "tv";
    /// <summary>The signed-in device (refresh family) a token was issued to, when it was issued to one.</summary>
    public const string DeviceClaim = "sid";
    private readonly JsonWebTokenHandler _handler = new();

    public TokenValidationParameters ValidationParameters { get; } = ParametersFor(options.Value);

    public string Issue(UserAccounts.Account account, Guid? device = null)
    {
        var user = account.User;
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.TokenLifetime,
            Subject = new ClaimsIdentity(
            [
                new Claim(NameClaim, user.Name),
                new Claim(UserIdClaim, user.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(VersionClaim, account.TokenVersion.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer32),
                .. device is { } id ? [new Claim(DeviceClaim, id.ToString())] : Array.Empty<Claim>(),
            ]),
            SigningCredentials = new SigningCredentials(KeyOf(options.Value), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>
    /// The user a token speaks for and its credentials version, or null when it is forged, expired
    /// or malformed. Whether it was revoked is not checked here: the user's session refuses a
    /// revoked version when the socket attaches (<see cref="ChatApp.Users.IUserSessionGrain"/>).
    /// </summary>
    public async Task<ValidToken?> ValidateSignature(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 8192)
        {
            return null;
        }
        var result = await _handler.ValidateTokenAsync(token, ValidationParameters);
        return result.IsValid && UserOf(result.ClaimsIdentity) is { } user && VersionOf(result.ClaimsIdentity) is { } version
            ? new ValidToken(user, version) { Expires = new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero), Device = DeviceOf(result.ClaimsIdentity) }
            : null;
    }

    /// <summary>
    /// Whether a validly signed token was issued for the user's current credentials, as the user's
    /// session knows them: a logout or password change updates the session before it returns, so a
    /// revoked token is refused on every gateway at once.
    /// </summary>
    public async Task<bool> IsCurrent(ClaimsIdentity? identity)
    {
        if (!UserName.TryParse(identity?.FindFirst(NameClaim)?.Value, out var name) || VersionOf(identity) is not { } version)
        {
            return false;
        }
        // A token of a device signed out on its own (DELETE /api/auth/sessions/{id}) stops here too.
        return DeviceOf(identity) is { } device
            ? await cluster.Session(name).IsCurrent(version, device)
            : await cluster.Session(name).IsCurrent(version);
    }

    public static Guid? DeviceOf(ClaimsIdentity? identity) =>
        Guid.TryParse(identity?.FindFirst(DeviceClaim)?.Value, out var device) ? device : null;

    private static int? VersionOf(ClaimsIdentity? identity) =>
        int.TryParse(identity?.FindFirst(VersionClaim)?.Value, CultureInfo.InvariantCulture, out var version) ? version : null;

    public static UserView? UserOf(ClaimsIdentity? identity)
    {
        var id = identity?.FindFirst(UserIdClaim)?.Value;
        return UserName.TryParse(identity?.FindFirst(NameClaim)?.Value, out var name) && long.TryParse(id, out var uid)
            ? new UserView(uid, name)
            : null;
    }

    public static TokenValidationParameters ParametersFor(AuthOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = KeyOf(options),
        // Both are the defaults, said out loud: an unsigned (alg: none) token or one in another algorithm is forged.
        RequireSignedTokens = true,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = NameClaim,
    };

    private static SymmetricSecurityKey KeyOf(AuthOptions options)
    {
        if (!options.HasStrongKey)
        {
            throw new InvalidOperationException(AuthOptions.WeakKey);
        }
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey));
    }
}
