using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>
/// Nobody is put in a room without consent: adding someone invites them, and only their acceptance
/// joins them, counted against their room cap. Direct rooms count toward the cap too.
/// </summary>
public sealed class InvitationTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    private async Task<RoomId> PrivateRoomOf(ChatApp.Users.UserName owner)
    {
        var room = Fresh.Room("priv");
        await cluster.Room(room).Create(owner, RoomVisibility.Private, "secret plans");
        return room;
    }

    [Fact]
    public async Task An_added_user_is_only_invited_and_is_told_on_their_devices_until_they_accept()
    {
        var (owner, guest) = (Fresh.User("owner"), Fresh.User("guest"));
        var room = await PrivateRoomOf(owner);
        using var device = cluster.NewGateway();
        await cluster.Session(guest).Attach(device.Reference, LongLease);

        await cluster.Room(room).AddMember(owner, guest);

        Assert.False(await cluster.Room(room).IsMember(guest));
        Assert.DoesNotContain(room.Value, await cluster.Session(guest).GetRooms());
        var pending = Assert.Single(await cluster.Session(guest).Invitations());
        Assert.Equal((room.Value, owner.Value, "secret plans"), (pending.Room, pending.InvitedBy, pending.Topic));
        var told = await device.NoticesWhenAsync<Invitation>(all => all.Count > 0);
        Assert.Equal(room.Value, Assert.Single(told).Room);

        var joined = await cluster.Room(room).AcceptInvitation(guest);

        Assert.True(await cluster.Room(room).IsMember(guest));
        Assert.Contains(joined.Room.Members, m => m.User == guest.Value);
        Assert.Empty(await cluster.Session(guest).Invitations());
    }

    [Fact]
    public async Task A_declined_invitation_joins_nobody_and_cannot_be_accepted_afterwards()
    {
        var (owner, guest) = (Fresh.User("owner"), Fresh.User("guest"));
        var room = await PrivateRoomOf(owner);
        await cluster.Room(room).AddMember(owner, guest);

        await cluster.Room(room).DeclineInvitation(guest);

        Assert.Empty(await cluster.Session(guest).Invitations());
        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(room).AcceptInvitation(guest));
        Assert.Equal(ErrorCodes.NotFound, refused.Code);
        Assert.False(await cluster.Room(room).IsMember(guest));
    }

    [Fact]
    public async Task Invitations_cannot_fill_a_users_room_cap_and_accepting_past_it_is_refused()
    {
        var victim = Fresh.User("victim");
        var owners = Enumerable.Range(0, ClusterFixture.RoomsPerUser).Select(_ => Fresh.User("owner")).ToList();
        var rooms = new List<RoomId>();
        foreach (var owner in owners)
        {
            var room = await PrivateRoomOf(owner);
            await cluster.Room(room).AddMember(owner, victim);
            rooms.Add(room);
        }

        // As many invitations as the cap, and the victim belongs to none of those rooms.
        Assert.Empty(await cluster.Session(victim).GetRooms());
        Assert.Equal(ClusterFixture.RoomsPerUser, (await cluster.Session(victim).Invitations()).Count);
        // Filling the cap takes the victim's own joins; then an accepted invitation is one too many.
        foreach (var room in rooms.Skip(1))
        {
            await cluster.Room(room).AcceptInvitation(victim);
        }
        await cluster.Room(Fresh.Room()).Join(victim);
        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(rooms[0]).AcceptInvitation(victim));
        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.False(await cluster.Room(rooms[0]).IsMember(victim));
    }

    [Fact]
    public async Task A_direct_room_counts_toward_the_cap_of_both_people()
    {
        var (busy, other) = (Fresh.User("busy"), Fresh.User("other"));
        for (var i = 0; i < ClusterFixture.RoomsPerUser; i++)
        {
            await cluster.Room(Fresh.Room()).Join(busy);
        }

        var opened = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(DirectRoom.IdOf(busy, other)).OpenDirect(busy, other));
        var reached = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(DirectRoom.IdOf(other, busy)).OpenDirect(other, busy));

        Assert.Equal(ErrorCodes.RateLimited, opened.Code);
        Assert.Equal(ErrorCodes.RateLimited, reached.Code);
        Assert.False((await cluster.Room(DirectRoom.IdOf(busy, other)).GetState()).Exists);
        Assert.Empty(await cluster.Session(other).GetRooms());
    }

    [Fact]
    public async Task Opening_many_new_direct_rooms_at_once_is_rate_limited()
    {
        var opener = Fresh.User("opener");
        var opened = 0;
        ChatException? refused = null;
        while (refused is null && opened <= ClusterFixture.RoomsPerUser)
        {
            var other = Fresh.User("other");
            try
            {
                await cluster.Room(DirectRoom.IdOf(opener, other)).OpenDirect(opener, other);
                opened++;
            }
            catch (ChatException ex)
            {
                refused = ex;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.Equal(new RoomLimits().DirectRoomsBurst, opened);
    }
}
