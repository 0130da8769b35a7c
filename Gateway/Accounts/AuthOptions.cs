using System.ComponentModel.DataAnnotations;
using System.Text;
using ChatApp.Defaults;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// Settings of the bearer tokens, bound from the "Auth" section of configuration and validated on
/// start: a gateway without a signing key of at least 32 bytes does not start.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    public const string WeakKey = "Auth:SigningKey must be at least 32 bytes; ./run.sh generates one.";

    /// <summary>The HMAC key; at least 32 bytes. ./run.sh generates one into the ignored .data folder.</summary>
    public string SigningKey { get; set; } = "";

    [Required]
    public string Issuer { get; set; } = "chatapp";

    [Required]
    public string Audience { get; set; } = "chatapp";

    [Positive]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A signed-in device whose refresh cookie is not used for this long signs in again.</summary>
    [Positive]
    public TimeSpan RefreshIdleLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>However often it is used, a device signs in again this long after its login.</summary>
    [Positive]
    public TimeSpan RefreshAbsoluteLifetime { get; set; } = TimeSpan.FromDays(60);

    public bool HasStrongKey => Encoding.UTF8.GetByteCount(SigningKey) >= 32;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!HasStrongKey)
        {
            yield return new ValidationResult(WeakKey, [nameof(SigningKey)]);
        }
    }
}
