namespace ChatApp.Users;

/// <summary>
/// The credentials version a user's tokens must carry, as the user's session knows it: read
/// once, on the first token the activation sees, and moved forward by sign-outs, which the
/// gateway sends only after the users table has the new version. A token claiming a newer
/// version than known was issued after a sign-out whose notice is still on its way: only then is
/// the table read again, and the token must match it exactly, as a forged number would not.
/// </summary>
public sealed class CredentialsVersion(TokenVersions versions)
{
    private int? _known;

    public async Task<bool> Accepts(string user, int tokenVersion)
    {
        if (_known is not { } known || tokenVersion > known)
        {
            if (await versions.Read(user) is { } stored)
            {
                _known = Math.Max(stored, _known ?? stored);
            }
        }
        return tokenVersion == _known;
    }

    /// <summary>The version as the session read it at activation (null: a user the table does not know).</summary>
    public void Read(int? stored)
    {
        if (stored is { } version)
        {
            _known = Math.Max(version, _known ?? version);
        }
    }

    /// <summary>Tokens older than <paramref name="tokenVersion"/> were revoked.</summary>
    public void SignedOut(int tokenVersion) => _known = Math.Max(tokenVersion, _known ?? tokenVersion);
}
