using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>
/// Members are rows, not part of the room's state blob: a join writes one row, whatever the
/// room's size, and a room shows a page of members with its count rather than all of them.
/// </summary>
public sealed class MembershipRowsTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Joins_leaves_and_roles_change_rows_and_never_rewrite_the_room_state()
    {
        var (room, alice, bob, carol) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"), Fresh.User("carol"));
        await cluster.Room(room).Join(alice);
        var writesAfterCreation = await cluster.Tables.RoomStateWritesAsync(room);

        await cluster.Room(room).Join(bob);
        await cluster.Room(room).Join(carol);
        await cluster.Room(room).SetRole(alice, bob, RoomRoles.Moderator);
        await cluster.Room(room).Leave(carol);

        Assert.Equal(1, writesAfterCreation);
        Assert.Equal(writesAfterCreation, await cluster.Tables.RoomStateWritesAsync(room));
        // A newcomer has read up to their own join: alice's is seq 1, bob's seq 2.
        Assert.Equal([(alice, RoomRoles.Owner, 1L), (bob, RoomRoles.Moderator, 2L)], await cluster.Tables.MembersAsync(room));
    }

    [Fact]
    public async Task A_reactivated_room_and_session_read_their_members_and_markers_from_the_rows()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        var seq = (await cluster.Room(room).Send(alice, Fresh.MsgId(), "hi bob")).Seq;
        await cluster.Session(bob).MarkRead(room, seq);

        await cluster.RestartClusterAsync();

        var state = await cluster.Room(room).GetState();
        Assert.Equal(new Dictionary<string, string> { [alice] = RoomRoles.Owner, [bob] = RoomRoles.Member }, state.Members);
        Assert.Equal(seq, state.LastSeq);
        var session = await cluster.Session(bob).GetState();
        Assert.Equal([room], session.Rooms);
        Assert.Equal(seq, session.ReadMarkers[room]);
    }

    [Fact]
    public async Task A_big_room_lists_a_page_of_members_with_the_viewer_and_counts_them_all()
    {
        var room = Fresh.Room();
        var users = Enumerable.Range(0, RoomGrain.MemberPageSize + 20).Select(i => Fresh.User($"m{i:D3}")).ToList();
        foreach (var user in users)
        {
            await cluster.Room(room).Join(user);
        }
        var inOrder = users.Order().Select(u => u.Value).ToList();
        var last = users.Max();

        var details = await cluster.Room(room).GetDetails(last);

        Assert.Equal(users.Count, details.Summary.MemberCount);
        Assert.Equal([.. inOrder.Take(RoomGrain.MemberPageSize), last.Value], details.Members.Select(m => m.User));
        var rest = await cluster.Room(room).Members(last, after: inOrder[RoomGrain.MemberPageSize - 1], limit: 100);
        Assert.Equal(inOrder.Skip(RoomGrain.MemberPageSize), rest.Select(m => m.User));
        Assert.Empty(await cluster.Room(room).Members(last, after: last, limit: 100));
    }
}
