using System.ComponentModel.DataAnnotations;

namespace ChatApp.Defaults;

/// <summary>
/// Mutual TLS on the Orleans ports, from the "Cluster:Tls" section (Cluster__Tls__Certificate=...),
/// the same on silos and gateways: each process shows its own certificate and accepts only peers
/// whose certificate chains to the cluster's own authority. On by default; a process without
/// certificates does not start unless <see cref="Enabled"/> is set to false, which logs a warning.
/// docs/deploy.md shows how to make the authority and the certificates.
/// </summary>
public sealed class ClusterTlsOptions : IValidatableObject
{
    public const string Section = "Cluster:Tls";

    /// <summary>False runs the Orleans ports on plain, unauthenticated TCP: anyone who reaches them can call any grain.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>This process's certificate: a PKCS#12 file (.pfx, .p12) or a PEM certificate.</summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="Certificate"/>; none: the key is in the certificate's file.</summary>
    public string? CertificateKey { get; set; }

    /// <summary>The password of a PKCS#12 <see cref="Certificate"/>, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The cluster's certificate authority (PEM or DER): the only issuer whose certificates are let in.</summary>
    public string? CertificateAuthority { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }
        foreach (var (name, path) in new[] { ("Certificate", Certificate), ("CertificateAuthority", CertificateAuthority) })
        {
            if (string.IsNullOrEmpty(path))
            {
                yield return new ValidationResult(
                    $"No {Section}:{name}: the cluster's ports need a certificate and its authority (docs/deploy.md), " +
                    $"or {Section}:Enabled=false to run them on plain TCP.", [name]);
            }
            else if (!File.Exists(path))
            {
                yield return new ValidationResult($"{Section}:{name} names a file that does not exist: {path}", [name]);
            }
        }
        if (!string.IsNullOrEmpty(CertificateKey) && !File.Exists(CertificateKey))
        {
            yield return new ValidationResult($"{Section}:CertificateKey names a file that does not exist: {CertificateKey}", [nameof(CertificateKey)]);
        }
    }
}
