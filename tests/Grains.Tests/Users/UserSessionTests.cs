using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Users;

/// <summary>
/// A user's session follows their memberships: rooms report each join and leave to it before they
/// answer, and it keeps the list and tells the gateways attached to it.
/// </summary>
public sealed class UserSessionTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task After_a_join_returns_the_users_session_lists_the_room()
    {
        var (first, second, alice) = (Fresh.Room(), Fresh.Room(), Fresh.User("alice"));

        await cluster.Room(first).Join(alice);
        await cluster.Room(second).Join(alice);

        // No waiting: the room told the session before Join returned.
        var rooms = await cluster.Session(alice).GetRooms();
        Assert.Equal(new[] { first.Value, second.Value }.Order(StringComparer.Ordinal), rooms);
        Assert.Equal(rooms.ToHashSet(), (await cluster.Session(alice).GetState()).Rooms);
    }

    [Fact]
    public async Task After_a_leave_returns_the_users_session_no_longer_lists_the_room()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);

        await cluster.Room(room).Leave(bob);

        Assert.Empty(await cluster.Session(bob).GetRooms());
        Assert.Equal([room], await cluster.Session(alice).GetRooms());
    }

    [Fact]
    public async Task An_attached_gateway_hears_of_the_users_joins_and_leaves()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        using var gateway = cluster.NewGateway();
        Assert.Empty(await cluster.Session(alice).Attach(gateway.Reference, LongLease));

        await cluster.Room(room).Join(alice);
        await gateway.ChangesWhenAsync(changes => changes.Count >= 1);
        await cluster.Room(room).Leave(alice);
        var changes = await gateway.ChangesWhenAsync(changes => changes.Count >= 2);

        // The room was made by the join (seq 1) and left at seq 2; the leave carries its event.
        Assert.Equal([new MembershipChange(alice, room, Joined: true, Seq: 1), new MembershipChange(alice, room, Joined: false, Seq: 2)],
            changes.Select(c => c with { Event = null }));
        Assert.Equal(("leave", 2L, alice), (changes[1].Event!.Kind, changes[1].Event!.Seq, changes[1].Event!.User!));
    }

    [Fact]
    public async Task Signing_out_reaches_every_gateway_holding_the_user_and_none_that_let_go()
    {
        var alice = Fresh.User("alice");
        using var laptop = cluster.NewGateway();
        using var phone = cluster.NewGateway();
        using var gone = cluster.NewGateway();
        await cluster.Session(alice).Attach(laptop.Reference, LongLease);
        await cluster.Session(alice).Attach(phone.Reference, LongLease);
        await cluster.Session(alice).Attach(gone.Reference, LongLease);
        await cluster.Session(alice).Detach(gone.Reference);

        await cluster.Session(alice).SignOut(tokenVersion: 3);

        Assert.Equal([new SignedOut(alice, 3)], await laptop.NoticesWhenAsync<SignedOut>(n => n.Count >= 1));
        Assert.Equal([new SignedOut(alice, 3)], await phone.NoticesWhenAsync<SignedOut>(n => n.Count >= 1));
        Assert.Empty(gone.Notices<SignedOut>());
    }

    [Fact]
    public async Task Attach_returns_the_rooms_the_user_already_belongs_to()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        await cluster.Room(room).Join(alice);
        using var gateway = cluster.NewGateway();

        Assert.Equal([room], await cluster.Session(alice).Attach(gateway.Reference, LongLease));
    }

    [Fact]
    public async Task A_detached_gateway_hears_nothing_more()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        using var leaving = cluster.NewGateway();
        using var staying = cluster.NewGateway();
        await cluster.Session(alice).Attach(leaving.Reference, LongLease);
        await cluster.Session(alice).Attach(staying.Reference, LongLease);

        await cluster.Session(alice).Detach(leaving.Reference);
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Leave(alice);
        await cluster.Room(Fresh.Room()).Join(alice);

        await staying.ChangesWhenAsync(changes => changes.Count == 3);
        Assert.Empty(await leaving.ChangesWhenAsync(_ => true));
    }
}
