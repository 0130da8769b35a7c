using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChatApp.Tests.Support;

/// <summary>
/// A certificate authority made in this test process, as an operator makes the cluster's with
/// openssl (docs/deploy.md): a silo certificate (server and client use: silos connect to each
/// other), a gateway certificate (client use only), written to files under the test's binaries,
/// and the Cluster:Tls settings that name them. Every system the tests start uses
/// <see cref="Shared"/>, so their Orleans ports run with mutual TLS as in production.
/// </summary>
public sealed class ClusterAuthority
{
    private static readonly Lazy<ClusterAuthority> SharedAuthority = new(() => Create("chatapp-test-cluster"));

    private readonly string _directory;

    private ClusterAuthority(string directory, X509Certificate2 certificate)
    {
        _directory = directory;
        Certificate = certificate;
        AuthorityPath = Path.Combine(directory, "ca.crt");
        File.WriteAllText(AuthorityPath, certificate.ExportCertificatePem() + "\n");
        SiloCertificatePath = Issue("silo", serverUse: true);
        GatewayCertificatePath = Issue("gateway", serverUse: false);
    }

    /// <summary>The one authority of every test system in this process.</summary>
    public static ClusterAuthority Shared => SharedAuthority.Value;

    /// <summary>The authority's certificate, with its private key: it signs what <see cref="Issue"/> makes.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The authority's certificate (PEM), what Cluster:Tls:CertificateAuthority names.</summary>
    public string AuthorityPath { get; }

    /// <summary>A silo's certificate and key (PKCS#12).</summary>
    public string SiloCertificatePath { get; }

    /// <summary>A gateway's certificate and key (PKCS#12).</summary>
    public string GatewayCertificatePath { get; }

    /// <summary>A silo's Cluster:Tls settings (configuration keys).</summary>
    public IReadOnlyDictionary<string, string> SiloSettings => Settings(SiloCertificatePath);

    /// <summary>A gateway's Cluster:Tls settings.</summary>
    public IReadOnlyDictionary<string, string> GatewaySettings => Settings(GatewayCertificatePath);

    /// <summary>A new authority of its own: its certificates are not the cluster's, however well formed.</summary>
    public static ClusterAuthority Create(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "cluster-tls", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name} CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        return new ClusterAuthority(directory, certificate);
    }

    /// <summary>Writes a certificate of this authority for <paramref name="name"/> and returns its PKCS#12 file.</summary>
    public string Issue(string name, bool serverUse)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }; // client authentication
        if (serverUse)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1")); // server authentication
        }
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, critical: false));
        var subjectAlternativeNames = new SubjectAlternativeNameBuilder();
        subjectAlternativeNames.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(subjectAlternativeNames.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        var path = Path.Combine(_directory, $"{name}.pfx");
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12));
        return path;
    }

    private Dictionary<string, string> Settings(string certificatePath) => new()
    {
        ["Cluster:Tls:Certificate"] = certificatePath,
        ["Cluster:Tls:CertificateAuthority"] = AuthorityPath,
    };
}
