using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>
/// A room's settings in the room grain itself: what is stored (events and rows together), what a
/// reactivated room still knows, and invite links under concurrent use.
/// </summary>
public sealed class RoomSettingsTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Handing_the_room_on_logs_two_role_events_and_a_restarted_room_keeps_its_new_owner_and_topic()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        await cluster.Room(room).SetTopic(alice, "planning");

        await cluster.Room(room).HandOwnership(alice, bob);
        await cluster.RestartClusterAsync();

        var events = await cluster.Tables.EventsAsync(room);
        Assert.Equal(["join", "join", "topic", "role", "role"], events.Select(e => e.Kind));
        Assert.Equal([bob.Value, alice.Value], events.Where(e => e.Kind == "role").Select(e => e.User!));
        Assert.Equal([(alice.Value, RoomRoles.Moderator, 1L), (bob.Value, RoomRoles.Owner, 2L)], await cluster.Tables.MembersAsync(room));
        var state = await cluster.Room(room).GetState();
        Assert.Equal((bob.Value, "planning"), (state.Owner, state.Topic));
        // The old owner is a moderator now: handing on again is the new owner's to do.
        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(room).HandOwnership(alice, alice));
        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
    }

    [Fact]
    public async Task A_link_of_one_use_lets_one_person_in_however_many_use_it_at_once()
    {
        var (room, owner) = (Fresh.Room(), Fresh.User("owner"));
        await cluster.Room(room).Create(owner, RoomVisibility.Private, "");
        var link = await cluster.Room(room).CreateInviteLink(owner, maxUses: 1, expiresIn: null);
        var guests = Enumerable.Range(0, 5).Select(i => Fresh.User($"guest{i}")).ToList();

        var tries = await Task.WhenAll(guests.Select(async guest =>
        {
            try
            {
                await cluster.Room(room).JoinByInviteLink(guest, link.Code);
                return "joined";
            }
            catch (ChatException refused)
            {
                return refused.Code;
            }
        }));

        Assert.Equal(1, tries.Count(t => t == "joined"));
        Assert.Equal(4, tries.Count(t => t == ErrorCodes.NotFound));
        Assert.Equal(2, (await cluster.Tables.MembersAsync(room)).Count);
    }

    [Fact]
    public async Task A_code_of_one_room_opens_no_other()
    {
        var (room, other, owner, guest) = (Fresh.Room(), Fresh.Room(), Fresh.User("owner"), Fresh.User("guest"));
        await cluster.Room(room).Create(owner, RoomVisibility.Private, "");
        await cluster.Room(other).Create(owner, RoomVisibility.Private, "");
        var link = await cluster.Room(room).CreateInviteLink(owner, maxUses: null, expiresIn: TimeSpan.FromMinutes(5));

        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(other).JoinByInviteLink(guest, link.Code));

        Assert.Equal(ErrorCodes.NotFound, refused.Code);
        Assert.False(await cluster.Room(other).IsMember(guest));
    }
}
