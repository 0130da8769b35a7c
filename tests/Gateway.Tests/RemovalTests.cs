using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using ChatApp.Gateway.Cluster;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A gateway that renews its leases, and with them re-checks memberships and tokens, every second.</summary>
public sealed class QuickRenewalFixture() : ChatSystemFixture(new Dictionary<string, string>
{
    ["Gateway:LeaseRenewInterval"] = RenewInterval.ToString(),
})
{
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Removal sticks even when the one-way notice that carries it is lost: the gateway's lease
/// renewal asks the rooms again who belongs, and checks every open socket's token again.
/// </summary>
public sealed class RemovalTests(QuickRenewalFixture fixture) : IClassFixture<QuickRenewalFixture>
{
    // The renewal timer ticks once a second and renews once the interval has passed: a renewal
    // period here is at most two ticks; three give the check's own calls room.
    private static readonly TimeSpan WithinARenewal = QuickRenewalFixture.RenewInterval * 3 + TimeSpan.FromSeconds(1);

    private ChatSystem System => fixture.System;

    private ConnectionHub Hub => System.GatewayServices.GetRequiredService<ConnectionHub>();

    private IClusterClient Cluster => System.GatewayServices.GetRequiredService<IClusterClient>();

    /// <summary>The user's session forgets this gateway, as when it moved to another silo: notices for the user reach no socket.</summary>
    private Task LoseNoticesFor(string user) => Cluster.GetGrain<IUserSessionGrain>(user).Detach(Hub.Observer);

    [Fact]
    public async Task A_kicked_member_whose_removal_notice_is_lost_stops_receiving_the_room_within_a_renewal()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var member = await System.ConnectNewUserAsync("member");
        var room = Fresh.Room();
        await owner.JoinAsync(room);
        await member.JoinAsync(room);
        var before = await owner.SendAsync(room, "still in");
        await member.WaitForEventAsync(room, before);

        await LoseNoticesFor(member.User);
        using var http = System.Http(owner.Token);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/rooms/{room}/members/{member.User}")).StatusCode);

        // Each probe is a message the owner, on the same gateway, receives (so it was fanned out):
        // the member must stop getting them within a renewal.
        await Eventually.Until(async () =>
        {
            var after = await owner.SendAsync(room, "you are gone");
            await owner.WaitForEventAsync(room, after);
            await member.RequestAsync("ping");
            return member.Events(room).Any(e => e.Seq == after);
        }, received => !received, "the kicked member stops receiving the room", WithinARenewal);
    }

    [Fact]
    public async Task A_room_nobody_here_belongs_to_any_more_is_unfollowed_by_the_gateway_within_a_renewal()
    {
        // The owner acts over HTTP only: the member's socket is the room's one local follower.
        var (_, ownerToken) = await System.RegisterAsync("owner");
        using var http = System.Http(ownerToken);
        var room = Fresh.Room();
        Assert.Equal(global::System.Net.HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/rooms", new { id = room.Value, visibility = "public" })).StatusCode);
        await using var member = await System.ConnectNewUserAsync("member");
        await member.JoinAsync(room);
        var sockets = System.GatewayServices.GetRequiredService<SocketIndex>();
        Assert.True(sockets.IsFollowed(room));

        await LoseNoticesFor(member.User);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/rooms/{room}/members/{member.User}")).StatusCode);

        await Eventually.Until(() => Task.FromResult(sockets.IsFollowed(room)), followed => !followed,
            "the gateway stops following the room", WithinARenewal);
    }

    [Fact]
    public async Task A_socket_whose_token_expires_is_closed_with_1008_within_a_renewal()
    {
        var (name, _) = await System.RegisterAsync("brief");
        var shortLived = Forge(name, DateTime.UtcNow.AddSeconds(2));
        await using var open = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, shortLived);

        await open.Closed.WaitAsync(TimeSpan.FromSeconds(2) + WithinARenewal);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, open.CloseStatus);
    }

    [Fact]
    public async Task A_socket_whose_token_is_revoked_without_the_sign_out_notice_is_closed_with_1008_within_a_renewal()
    {
        var (name, token) = await System.RegisterAsync("revoked");
        await using var open = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, token);
        await open.JoinAsync(Fresh.Room());

        // A logout on another gateway: the users table moves on, and its notice never arrives here.
        await LoseNoticesFor(name);
        await Sql.QueryAsync(System.Database.ConnectionString, "UPDATE users SET token_version = token_version + 1 WHERE name = $1", name);

        await open.Closed.WaitAsync(WithinARenewal);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, open.CloseStatus);
    }

    [Fact]
    public async Task A_socket_whose_device_is_signed_out_without_the_notice_is_closed_with_1008_within_a_renewal()
    {
        var (name, token) = await System.RegisterAsync("device");
        await using var open = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, token);
        await open.JoinAsync(Fresh.Room());
        // The socket's first check, after which the gateway hears only of changes.
        await CheckTokensNowAsync();

        // The device signed out on another gateway, whose notice never arrives here.
        await LoseNoticesFor(name);
        await Sql.QueryAsync(System.Database.ConnectionString, "UPDATE auth_sessions SET ended_at = now(), end_reason = 'elsewhere' WHERE user_name = $1", name);

        await open.Closed.WaitAsync(WithinARenewal);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, open.CloseStatus);
    }

    [Fact]
    public async Task A_socket_let_in_by_a_session_that_missed_a_revocation_long_ago_is_closed_with_1008_within_a_renewal()
    {
        var (name, token) = await System.RegisterAsync("stale");
        // The user's session learns version 0, then the version moves on without it hearing: its
        // notice was lost. The change is an hour old, older than any check's look back.
        Assert.True(await Cluster.GetGrain<IUserSessionGrain>(name).IsCurrent(0));
        await Sql.QueryAsync(System.Database.ConnectionString, "UPDATE users SET token_version = token_version + 1 WHERE name = $1", name);
        await Sql.QueryAsync(System.Database.ConnectionString, "UPDATE users SET token_changed_at = now() - interval '1 hour' WHERE name = $1", name);

        // hello asks the session, which still takes the old token; the tables do not.
        await using var open = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, token);

        await open.Closed.WaitAsync(WithinARenewal);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, open.CloseStatus);
    }

    private Task CheckTokensNowAsync() =>
        System.GatewayServices.GetRequiredService<SocketRevalidation>().CloseInvalidAsync(CancellationToken.None);

    [Fact]
    public async Task A_socket_with_a_good_token_stays_open_across_renewals()
    {
        await using var open = await System.ConnectNewUserAsync("steady");
        var room = Fresh.Room();
        await open.JoinAsync(room);

        // Two renewals, run here as the gateway's timer runs them rather than waited for: each checks
        // every open socket's token, then renews the lease and the watches.
        for (var i = 0; i < 2; i++)
        {
            await System.GatewayServices.GetRequiredService<SocketRevalidation>().CloseInvalidAsync(CancellationToken.None);
            await Hub.RenewLeasesAsync(sessions: false, CancellationToken.None);
        }

        var seq = await open.SendAsync(room, "still here");
        await open.WaitForEventAsync(room, seq);
        Assert.False(open.Closed.IsCompleted);
    }

    private static string Forge(string name, DateTime expires) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "chatapp",
            Audience = "chatapp",
            IssuedAt = DateTime.UtcNow.AddMinutes(-1),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("name", name), new Claim("uid", "1"), new Claim("tv", "0", ClaimValueTypes.Integer32)]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ChatSystem.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
}
