using ChatApp.Gateway.Cluster;
using ChatApp.Rooms;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A system whose gateway never renews leases by itself, so that only the test repairs the live path.</summary>
public sealed class NoRenewalFixture() : ChatSystemFixture(new Dictionary<string, string> { ["Gateway:LeaseRenewInterval"] = "01:00:00" });

/// <summary>
/// The live path loses events (here: the room's relay forgets the gateway, as when it is lost
/// with its silo or a lease lapses), and every socket still ends with the complete, ordered log:
/// repaired from PostgreSQL, or told to resync when too much is missing.
/// </summary>
public sealed class GapRepairTests(NoRenewalFixture fixture) : IClassFixture<NoRenewalFixture>
{
    private ChatSystem System => fixture.System;

    private ConnectionHub Hub => System.GatewayServices.GetRequiredService<ConnectionHub>();

    private IRoomRelayGrain Relay(string room) => System.GatewayServices.GetRequiredService<IClusterClient>().GetGrain<IRoomRelayGrain>(room);

    /// <summary>
    /// Waits until the relay has taken the events up to <paramref name="seq"/> off the room's
    /// stream, so that they are lost for a gateway it does not know, not merely late.
    /// </summary>
    private Task RelayedUpTo(string room, long seq) =>
        Eventually.Until(() => Relay(room).LastRelayedSeq(), relayed => relayed >= seq, $"relayed up to seq {seq}", ChatTestClient.DefaultWait);

    private static async Task<long[]> SendMany(ChatTestClient sender, string room, int count)
    {
        var seqs = new long[count];
        for (var i = 0; i < count; i++)
        {
            seqs[i] = await sender.SendAsync(room, $"while the live path was down #{i}");
        }
        return seqs;
    }

    [Fact]
    public async Task Events_lost_on_the_live_path_are_filled_from_the_log_at_the_next_live_event()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var firstSeen = pair.BobJoinedAt;

        await Relay(room).Unwatch(Hub.Observer);
        var lost = await SendMany(alice, room, 5);
        await RelayedUpTo(room, lost[^1]);
        await Relay(room).Watch(Hub.Observer, TimeSpan.FromMinutes(1));
        var last = await alice.SendAsync(room, "back on the live path");

        await bob.WaitForEventAsync(room, last);
        Assert.Equal(Enumerable.Range(1, (int)(last - firstSeen)).Select(i => firstSeen + i), bob.Seqs(room));
    }

    [Fact]
    public async Task A_relay_that_forgot_the_gateway_makes_the_next_lease_renewal_catch_sockets_up()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var firstSeen = pair.BobJoinedAt;

        await Relay(room).Unwatch(Hub.Observer);
        var sent = await SendMany(alice, room, 3);
        await RelayedUpTo(room, sent[^1]);
        await Hub.RenewLeasesAsync(sessions: false, CancellationToken.None);

        await bob.WaitForEventAsync(room, sent[^1]);
        Assert.Equal(Enumerable.Range(1, (int)(sent[^1] - firstSeen)).Select(i => firstSeen + i), bob.Seqs(room));
    }

    [Fact]
    public async Task Events_lost_while_the_relay_still_knew_the_gateway_reach_the_socket_within_two_lease_renewals()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var firstSeen = pair.BobJoinedAt;

        // Lost, and no later event comes to show the gap; the relay knows the gateway again, so a
        // renewal finds nothing new about it (as when a stream stalls in a failover).
        await Relay(room).Unwatch(Hub.Observer);
        var lost = await SendMany(alice, room, 3);
        await RelayedUpTo(room, lost[^1]);
        await Relay(room).Watch(Hub.Observer, TimeSpan.FromMinutes(1));

        // The first renewal notes where the room is; by the second, bob has not reached it.
        await Hub.RenewLeasesAsync(sessions: false, CancellationToken.None);
        await Hub.RenewLeasesAsync(sessions: false, CancellationToken.None);

        await bob.WaitForEventAsync(room, lost[^1]);
        Assert.Equal(Enumerable.Range(1, (int)(lost[^1] - firstSeen)).Select(i => firstSeen + i), bob.Seqs(room));
    }

    [Fact]
    public async Task More_than_500_lost_events_become_a_resync_and_then_live_events_flow_again()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;

        await Relay(room).Unwatch(Hub.Observer);
        var lost = await alice.SendBurstAsync(room, 505);
        await RelayedUpTo(room, lost.Max());
        await Relay(room).Watch(Hub.Observer, TimeSpan.FromMinutes(1));
        var live = await alice.SendAsync(room, "after the flood");

        var resync = await bob.WaitForAsync<ResyncFrame>();
        Assert.Equal(room, resync.Room);
        Assert.Equal(live - 1, resync.LastSeq);
        Assert.Equal(lost.Max(), resync.LastSeq);
        await bob.WaitForEventAsync(room, live);
        Assert.DoesNotContain(bob.Seqs(room), seq => seq > 3 && seq < live);
    }

    [Fact]
    public async Task A_relay_found_new_on_renewal_relearns_who_is_online_from_the_followers_sessions()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;

        // The relay as it comes back after its silo died: it knows neither this gateway nor who is online.
        await Relay(room).Unwatch(Hub.Observer);
        await Relay(room).Presence(UserName.Parse(bob.User), online: false, stamp: DateTime.UtcNow.Ticks);
        await OnlineWhenAsync(room, bob.User, online: false);
        await Hub.RenewLeasesAsync(sessions: false, CancellationToken.None);

        await OnlineWhenAsync(room, bob.User, online: true);
        Assert.Contains(alice.User, await Relay(room).OnlineMembers());
    }

    /// <summary>Waits until the relay counts the user online (or not); presence calls are one-way.</summary>
    private Task OnlineWhenAsync(string room, string user, bool online) =>
        Eventually.Until(() => Relay(room).OnlineMembers(), members => members.Contains(user) == online,
            $"{user} counted online = {online} by the relay");

    private ChatConnection ConnectionOf(ChatTestClient client) =>
        Assert.Single(System.GatewayServices.GetRequiredService<SocketIndex>().ConnectionsOf(client.User));

    [Fact]
    public async Task A_join_into_a_room_this_gateway_relays_reads_nothing_from_the_log_and_misses_nothing()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        await using var carol = await System.ConnectNewUserAsync("carol");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        // Something passed on here already, so the gateway knows how far its followers have got.
        await bob.WaitForEventAsync(room, await alice.SendAsync(room, "before carol"));

        var joined = await carol.JoinAsync(room);
        var after = await alice.SendAsync(room, "after carol");

        await carol.WaitForEventAsync(room, after);
        Assert.Equal(Enumerable.Range(1, (int)(after - joined.LastSeq)).Select(i => joined.LastSeq + i), carol.Seqs(room));
        Assert.Equal(0, ConnectionOf(carol).LogReads);
    }

    [Fact]
    public async Task Sockets_that_come_back_together_to_a_quiet_room_read_its_log_once_between_them_and_miss_nothing()
    {
        var room = Fresh.Room();
        var members = new List<ChatTestClient>();
        for (var i = 0; i < 3; i++)
        {
            members.Add(await System.ConnectNewUserAsync("member"));
            await members[i].JoinAsync(room);
        }
        var said = await members[0].SendAsync(room, "before they go");
        foreach (var member in members)
        {
            await member.WaitForEventAsync(room, said);
            await member.DisposeAsync();
        }
        var index = System.GatewayServices.GetRequiredService<SocketIndex>();
        await Eventually.Until(() => !index.IsFollowed(room), "the room without a follower here");

        // They come back together (a gateway restarting), and nothing is said meanwhile.
        var back = await Task.WhenAll(members.Select(async member =>
        {
            var socket = await ChatTestClient.ConnectAsync(System.SocketUri, member.User, member.Token);
            await socket.HelloAsync();
            return socket;
        }));
        var after = await back[0].SendAsync(room, "after they came back");

        foreach (var socket in back)
        {
            await socket.WaitForEventAsync(room, after);
            Assert.Equal([after], socket.Seqs(room));
        }
        // The first to follow reads what the relay may have passed on before this gateway watched again.
        Assert.Equal(1, back.Sum(socket => ConnectionOf(socket).LogReads));
        foreach (var socket in back)
        {
            await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_socket_that_follows_from_before_events_this_gateway_passed_on_reads_them_from_the_log()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var bobJoined = pair.BobJoinedAt;
        // bob's socket stops following for a moment (as between a join's commit and its follow),
        // while the gateway passes two messages on to alice.
        Hub.UnfollowForUser(bob.User, room);
        await alice.SendAsync(room, "one");
        var two = await alice.SendAsync(room, "two");
        await alice.WaitForEventAsync(room, two);

        await Hub.FollowAsync(ConnectionOf(bob), room, afterSeq: bobJoined);

        await bob.WaitForEventAsync(room, two);
        Assert.Equal([bobJoined + 1, two], bob.Seqs(room).Where(seq => seq > bobJoined));
    }

    [Fact]
    public async Task Lease_renewals_of_a_room_whose_live_events_all_arrived_ask_none_of_its_sockets_to_check_the_log()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await bob.WaitForEventAsync(room, await alice.SendAsync(room, "on the live path"));

        // Idle from here: each renewal would otherwise queue a check on every socket of the room.
        for (var i = 0; i < 3; i++)
        {
            await Hub.RenewLeasesAsync(sessions: false, CancellationToken.None);
        }

        Assert.Equal(0, Hub.CatchUpSweeps(room));
    }

    [Fact]
    public async Task A_room_whose_live_events_stalled_asks_its_sockets_once_and_not_again_while_it_stays_quiet()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var firstSeen = (await bob.JoinAsync(room)).LastSeq;
        await Relay(room).Unwatch(Hub.Observer);
        var lost = await SendMany(alice, room, 2);
        await RelayedUpTo(room, lost[^1]);
        await Relay(room).Watch(Hub.Observer, TimeSpan.FromMinutes(1));

        for (var i = 0; i < 4; i++)
        {
            await Hub.RenewLeasesAsync(sessions: false, CancellationToken.None);
        }

        await bob.WaitForEventAsync(room, lost[^1]);
        Assert.Equal(Enumerable.Range(1, (int)(lost[^1] - firstSeen)).Select(i => firstSeen + i), bob.Seqs(room));
        Assert.Equal(1, Hub.CatchUpSweeps(room));
    }

    [Fact]
    public async Task Lease_renewals_of_a_room_whose_followers_and_seq_are_unchanged_name_none_of_its_users()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);

        for (var i = 0; i < 3; i++)
        {
            await Hub.RenewLeasesAsync(sessions: false, CancellationToken.None);
        }

        // Both named by the first renewal, and again only if one of these was a periodic full re-check.
        Assert.Contains(Hub.NamesRechecked(room), new[] { 2, 4 });
    }
}
