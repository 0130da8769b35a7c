using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Users;

/// <summary>
/// Presence follows the gateways' leases on a user's session: online with the first, offline
/// with the last, and the rooms of the user tell their watching gateways. Typing goes through
/// the session into rooms the user belongs to, at most once every few seconds.
/// </summary>
public sealed class PresenceAndTypingTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_member_coming_online_and_going_offline_is_told_to_the_rooms_watchers()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        using var watcher = cluster.NewGateway();
        using var bobsDevice = cluster.NewGateway();
        await cluster.Relay(room).Watch(watcher.Reference, LongLease);

        await cluster.Session(bob).Attach(bobsDevice.Reference, LongLease);
        await watcher.PresenceWhenAsync(room, bob, online: true);
        Assert.Contains(bob, await cluster.Relay(room).OnlineMembers());
        Assert.True((await cluster.Room(room).GetDetails(alice)).Members.Single(m => m.User == bob).Online);

        await cluster.Session(bob).Detach(bobsDevice.Reference);
        await watcher.PresenceWhenAsync(room, bob, online: false);
        Assert.DoesNotContain(bob, await cluster.Relay(room).OnlineMembers());
    }

    [Fact]
    public async Task A_gateway_that_dies_without_a_word_leaves_its_users_online_only_until_its_lease_and_a_tick_have_passed()
    {
        var (room, bob) = (Fresh.Room(), Fresh.User("bob"));
        await cluster.Room(room).Join(bob);
        using var watcher = cluster.NewGateway();
        using var doomed = cluster.NewGateway();
        await cluster.Relay(room).Watch(watcher.Reference, LongLease);
        var lease = TimeSpan.FromSeconds(1);

        var lastRenewal = DateTime.UtcNow;
        await cluster.Session(bob).Attach(doomed.Reference, lease);
        await watcher.PresenceWhenAsync(room, bob, online: true);
        // The gateway is killed: it never renews and never detaches.

        await watcher.PresenceWhenAsync(room, bob, online: false);
        var offlineAfter = DateTime.UtcNow - lastRenewal;
        Assert.False(await cluster.Session(bob).IsOnline());
        Assert.InRange(offlineAfter, lease, lease + ClusterFixture.PresenceTick + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Two_devices_count_as_one_online_user()
    {
        var (room, bob) = (Fresh.Room(), Fresh.User("bob"));
        await cluster.Room(room).Join(bob);
        using var watcher = cluster.NewGateway();
        using var phone = cluster.NewGateway();
        using var laptop = cluster.NewGateway();
        await cluster.Relay(room).Watch(watcher.Reference, LongLease);

        await cluster.Session(bob).Attach(phone.Reference, LongLease);
        await cluster.Session(bob).Attach(laptop.Reference, LongLease);
        // The relay has heard "online" before the devices go: an "offline" sent right behind it may
        // overtake it, and the relay then rightly drops the older "online" and has nothing to tell.
        await watcher.PresenceWhenAsync(room, bob, online: true);
        await cluster.Session(bob).Detach(phone.Reference);

        Assert.True(await cluster.Session(bob).IsOnline());
        await cluster.Session(bob).Detach(laptop.Reference);
        Assert.False(await cluster.Session(bob).IsOnline());
        var changes = await watcher.PresenceWhenAsync(room, bob, online: false);
        Assert.Equal([true, false], changes.Select(c => c.Online));
    }

    [Fact]
    public async Task A_relay_that_lost_its_presence_relearns_it_from_the_session_when_asked()
    {
        var (room, bob) = (Fresh.Room(), Fresh.User("bob"));
        await cluster.Room(room).Join(bob);
        using var watcher = cluster.NewGateway();
        using var bobsDevice = cluster.NewGateway();
        await cluster.Relay(room).Watch(watcher.Reference, LongLease);
        await cluster.Session(bob).Attach(bobsDevice.Reference, LongLease);
        await watcher.PresenceWhenAsync(room, bob, online: true);

        // What a relay come back after its silo died knows: nobody online (as a stale "offline").
        await cluster.Relay(room).Presence(bob, online: false, stamp: DateTime.UtcNow.Ticks);
        await watcher.PresenceWhenAsync(room, bob, online: false);
        // Nothing re-announces on a timer any more: the gateway that found the relay new asks.
        await cluster.Session(bob).RefreshPresence(room);

        var changes = await watcher.PresenceWhenAsync(room, bob, online: true);
        Assert.Equal([true, false, true], changes.Select(c => c.Online));
        Assert.Contains(bob, await cluster.Relay(room).OnlineMembers());
    }

    [Fact]
    public async Task Typing_reaches_the_rooms_watchers_once_per_interval_and_only_from_members()
    {
        var (room, alice, stranger) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("stranger"));
        await cluster.Room(room).Join(alice);
        using var watcher = cluster.NewGateway();
        await cluster.Relay(room).Watch(watcher.Reference, LongLease);

        await cluster.Session(stranger).Typing(room);
        for (var i = 0; i < 5; i++)
        {
            await cluster.Session(alice).Typing(room);
        }
        await watcher.NoticesWhenAsync<TypingNotice>(t => t.Count >= 1);
        // A ping through the same relay after the typing calls: by then any second notice would be in.
        await cluster.Relay(room).OnlineMembers();

        Assert.Equal([new TypingNotice(room, alice)], watcher.Notices<TypingNotice>());
    }
}
