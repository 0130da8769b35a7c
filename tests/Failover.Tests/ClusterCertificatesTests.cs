using System.Security.Cryptography.X509Certificates;
using ChatApp.Defaults;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Failover;

/// <summary>
/// The rule every Orleans connection applies, on certificate files as an operator lays them out:
/// a peer's certificate must chain to the configured authority, or during a change of authority to
/// one of the two in its file (docs/deploy.md, "Rotation"); a process whose own certificate breaks
/// the rule does not start.
/// </summary>
public sealed class ClusterCertificatesTests
{
    [Fact]
    public void During_a_change_of_authority_certificates_of_the_old_and_the_new_one_are_accepted_and_no_others()
    {
        var old = ClusterAuthority.Create("old");
        var next = ClusterAuthority.Create("new");
        var stranger = ClusterAuthority.Create("stranger");
        var bundle = Path.Combine(Path.GetDirectoryName(next.AuthorityPath)!, "both.crt");
        File.WriteAllText(bundle, File.ReadAllText(next.AuthorityPath) + File.ReadAllText(old.AuthorityPath));

        var certificates = ClusterCertificates.Load(new ClusterTlsOptions { Certificate = old.SiloCertificatePath, CertificateAuthority = bundle });

        Assert.True(certificates.ChainsToAuthority(Load(old.GatewayCertificatePath)));
        Assert.True(certificates.ChainsToAuthority(Load(next.GatewayCertificatePath)));
        Assert.False(certificates.ChainsToAuthority(Load(stranger.GatewayCertificatePath)));
    }

    [Fact]
    public void A_process_whose_certificate_is_not_the_authoritys_does_not_start()
    {
        var mine = ClusterAuthority.Create("mine");
        var theirs = ClusterAuthority.Create("theirs");

        var refused = Assert.Throws<InvalidOperationException>(() =>
            ClusterCertificates.Load(new ClusterTlsOptions { Certificate = theirs.SiloCertificatePath, CertificateAuthority = mine.AuthorityPath }));

        Assert.Contains("Cluster:Tls:Certificate", refused.Message, StringComparison.Ordinal);
    }

    private static X509Certificate2 Load(string pkcs12) => X509CertificateLoader.LoadPkcs12FromFile(pkcs12, password: null);
}
