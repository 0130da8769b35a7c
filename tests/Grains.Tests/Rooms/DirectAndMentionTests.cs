using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>Direct-message rooms of two users, and @mentions that reach only the one named.</summary>
public sealed class DirectAndMentionTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_direct_room_is_made_once_private_to_its_two_users_and_titled_with_the_other()
    {
        var (alice, bob, eve) = (Fresh.User("alice"), Fresh.User("bob"), Fresh.User("eve"));
        var id = DirectRoom.IdOf(bob, alice);

        var first = await cluster.Room(id).OpenDirect(alice, bob);
        var again = await cluster.Room(id).OpenDirect(bob, alice);

        Assert.Equal(id, DirectRoom.IdOf(alice, bob));
        Assert.Equal(RoomVisibility.Private, first.Summary.Visibility);
        Assert.Equal(bob, first.Summary.Topic);
        Assert.Equal(alice, again.Summary.Topic);
        Assert.Equal(2, again.Summary.LastSeq);
        Assert.Contains(id, await cluster.Session(alice).GetRooms());
        Assert.Contains(id, await cluster.Session(bob).GetRooms());
        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<ChatException>(() => cluster.Room(id).Join(eve))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => cluster.Room(id).AddMember(alice, eve))).Code);
        Assert.Equal(ErrorCodes.Validation, (await Assert.ThrowsAsync<ChatException>(() => cluster.Room(id).OpenDirect(alice, eve))).Code);
    }

    [Fact]
    public async Task A_mention_reaches_the_mentioned_member_only()
    {
        var (room, alice, bob, carol, outsider) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"), Fresh.User("carol"), Fresh.User("out"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        await cluster.Room(room).Join(carol);
        using var bobs = cluster.NewGateway();
        using var carols = cluster.NewGateway();
        using var outsiders = cluster.NewGateway();
        await cluster.Session(bob).Attach(bobs.Reference, LongLease);
        await cluster.Session(carol).Attach(carols.Reference, LongLease);
        await cluster.Session(outsider).Attach(outsiders.Reference, LongLease);

        var sent = await cluster.Room(room).Send(alice, Fresh.MsgId(), $"hey @{bob.Value.ToUpperInvariant()}, and @{outsider} and me@{carol}");

        var mentions = await bobs.NoticesWhenAsync<Mention>(m => m.Count >= 1);
        Assert.Equal(new Mention(bob, room, sent.Seq, alice), mentions.Single());
        // A later mention of carol arrives after anything the first message could have sent her.
        var direct = await cluster.Room(room).Send(alice, Fresh.MsgId(), $"@{carol} now");
        await carols.NoticesWhenAsync<Mention>(m => m.Any(x => x.Seq == direct.Seq));
        Assert.Single(carols.Notices<Mention>());
        Assert.Empty(outsiders.Notices<Mention>());
    }

    [Fact]
    public void Mentions_are_found_at_word_starts_and_lower_cased()
    {
        Assert.Equal(["bob", "carol.x"], Mentions.In("@Bob hi @carol.x. mail me@dave.com @@eve @ab"));
    }
}
