using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;

namespace ChatApp.Defaults;

/// <summary>
/// This process's certificate and the cluster's certificate authority, loaded from
/// <see cref="ClusterTlsOptions"/>, and the one rule both sides of every Orleans connection
/// apply: the peer shows a certificate, and it chains to that authority (not to any authority the
/// machine trusts: a public certificate must not open the cluster).
/// </summary>
public sealed class ClusterCertificates
{
    private ClusterCertificates(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// The authority, or during a change of authority the old and the new one (one file holding
    /// both, docs/deploy.md "Rotation"): a peer's certificate must chain to one of them.
    /// </summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>Loads the files the options name and checks that this process's own certificate passes its own rule.</summary>
    /// <exception cref="InvalidOperationException">A file is not what its setting says, or the certificate is not the authority's.</exception>
    public static ClusterCertificates Load(ClusterTlsOptions options)
    {
        var authorities = Read("CertificateAuthority", () => LoadAuthorities(options.CertificateAuthority!));
        var certificate = Read("Certificate", () => LoadOwn(options));
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{ClusterTlsOptions.Section}:Certificate has no private key: {options.Certificate}");
        }
        var loaded = new ClusterCertificates(certificate, authorities);
        if (!loaded.ChainsToAuthority(certificate))
        {
            throw new InvalidOperationException(
                $"{ClusterTlsOptions.Section}:Certificate ({certificate.Subject}) is not a valid certificate of " +
                $"{ClusterTlsOptions.Section}:CertificateAuthority ({string.Join(", ", authorities.Cast<X509Certificate2>().Select(a => a.Subject))}): other processes would refuse it.");
        }
        return loaded;
    }

    /// <summary>
    /// Orleans' TLS settings for this process: it shows its certificate when it connects and when it
    /// is connected to, requires one from the other side, and judges it by <see cref="ChainsToAuthority"/> alone.
    /// </summary>
    public void Apply(TlsOptions tls)
    {
        tls.LocalCertificate = Certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // The operating system's verdict (policy errors) is not asked: it knows nothing of the
        // cluster's own authority, and silos are reached by address, not by a name in the certificate.
        tls.RemoteCertificateValidation = (certificate, chain, _) => ChainsToAuthority(certificate, chain);
    }

    /// <summary>True when the certificate is valid now and was issued (directly or through intermediates the peer sent) by one of the cluster's authorities.</summary>
    public bool ChainsToAuthority(X509Certificate2 certificate, X509Chain? presented = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        // A private authority publishes no revocation lists: a lost certificate is dealt with by
        // replacing the authority (docs/deploy.md, "Rotation").
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return chain.Build(certificate)
            && Authorities.Cast<X509Certificate2>().Any(authority => chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span));
    }

    /// <summary>Every certificate of a PEM file (one or more), or the one of a DER file.</summary>
    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        if (File.ReadAllText(path).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            authorities.ImportFromPemFile(path);
        }
        else
        {
            authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }
        return authorities.Count > 0 ? authorities : throw new CryptographicException("The file holds no certificate.");
    }

    private static X509Certificate2 LoadOwn(ClusterTlsOptions options)
    {
        var path = options.Certificate!;
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".pfx" or ".p12"
            ? X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword)
            : X509Certificate2.CreateFromPemFile(path, options.CertificateKey);
    }

    private static T Read<T>(string setting, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{ClusterTlsOptions.Section}:{setting} could not be read: {e.Message}", e);
        }
    }
}

public static class ClusterCertificatesExtensions
{
    /// <summary>
    /// The cluster's TLS settings, validated, and the certificates loaded now (each host builds its
    /// Orleans connections from them); null when <see cref="ClusterTlsOptions.Enabled"/> is false,
    /// in which case the host logs a warning when it starts.
    /// </summary>
    public static ClusterCertificates? AddClusterCertificates(this IServiceCollection services, IConfiguration config)
    {
        var options = services.AddValidatedOptions<ClusterTlsOptions>(config.GetSection(ClusterTlsOptions.Section));
        if (!options.Enabled)
        {
            services.AddHostedService<PlainClusterWarning>();
            return null;
        }
        var certificates = ClusterCertificates.Load(options);
        services.AddSingleton(certificates);
        return certificates;
    }
}

/// <summary>Says, once at start, that this process's Orleans ports are open to anyone who reaches them.</summary>
internal sealed partial class PlainClusterWarning(ILogger<PlainClusterWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogPlainCluster(logger, ClusterTlsOptions.Section);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "{Section}:Enabled is false: the Orleans ports use plain TCP without authentication; anyone who reaches them can call any grain as any user.")]
    private static partial void LogPlainCluster(ILogger logger, string section);
}
