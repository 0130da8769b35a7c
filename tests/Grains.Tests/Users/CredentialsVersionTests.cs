using ChatApp.Errors;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Users;

/// <summary>
/// A user's session is where a token's credentials version is checked: it knows the current one
/// (read from the users table once, moved forward by sign-outs), so a hello costs no query, and a
/// revoked token is refused when its socket attaches.
/// </summary>
public sealed class CredentialsVersionTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task After_a_sign_out_the_session_refuses_the_older_tokens_and_accepts_the_new_one()
    {
        var alice = await UserAsync(tokenVersion: 0);
        using var gateway = cluster.NewGateway();
        await cluster.Session(alice).Attach(gateway.Reference, LongLease, tokenVersion: 0);

        // As logout does: the table first, then the session.
        await SetTokenVersionAsync(alice, 1);
        await cluster.Session(alice).SignOut(1);

        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Session(alice).Attach(gateway.Reference, LongLease, tokenVersion: 0));
        Assert.Equal(ErrorCodes.Unauthorized, refused.Code);
        Assert.False(await cluster.Session(alice).IsCurrent(0));
        Assert.True(await cluster.Session(alice).IsCurrent(1));
        await cluster.Session(alice).Attach(gateway.Reference, LongLease, tokenVersion: 1);
    }

    [Fact]
    public async Task A_sign_out_is_enough_even_before_the_session_read_the_table()
    {
        var alice = await UserAsync(tokenVersion: 3);

        // The session's first word on the user is the sign-out; the table is not read for an older token.
        await cluster.Session(alice).SignOut(4);

        Assert.False(await cluster.Session(alice).IsCurrent(3));
    }

    [Fact]
    public async Task A_token_newer_than_the_session_knows_is_checked_against_the_table()
    {
        var alice = await UserAsync(tokenVersion: 0);
        Assert.True(await cluster.Session(alice).IsCurrent(0));

        // A logout whose sign-out has not reached the session yet, and a login right after it.
        await SetTokenVersionAsync(alice, 1);

        Assert.True(await cluster.Session(alice).IsCurrent(1));
        Assert.False(await cluster.Session(alice).IsCurrent(0));
        // A version the table never had is refused, though it is newer.
        Assert.False(await cluster.Session(alice).IsCurrent(2));
    }

    [Fact]
    public async Task A_user_the_table_does_not_know_is_refused()
    {
        using var gateway = cluster.NewGateway();

        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Session(Fresh.User("ghost")).Attach(gateway.Reference, LongLease, tokenVersion: 0));

        Assert.Equal(ErrorCodes.Unauthorized, refused.Code);
    }

    private async Task<string> UserAsync(int tokenVersion)
    {
        var name = Fresh.User("alice");
        await Sql.QueryAsync(cluster.Database.ConnectionString,
            "INSERT INTO users (name, password_hash, token_version) VALUES ($1, 'not a hash', $2)", name, tokenVersion);
        return name;
    }

    private Task SetTokenVersionAsync(string user, int tokenVersion) =>
        Sql.QueryAsync(cluster.Database.ConnectionString, "UPDATE users SET token_version = $2 WHERE name = $1", user, tokenVersion);
}
