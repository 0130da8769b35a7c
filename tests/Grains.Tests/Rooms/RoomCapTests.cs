using ChatApp.Errors;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>A user may belong to only so many rooms: the room grain refuses the next before writing anything.</summary>
public sealed class RoomCapTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_join_past_the_users_room_cap_is_rate_limited_and_leaving_one_makes_room()
    {
        var alice = Fresh.User("alice");
        var rooms = Enumerable.Range(0, ClusterFixture.RoomsPerUser).Select(_ => Fresh.Room()).ToList();
        foreach (var room in rooms)
        {
            await cluster.Room(room).Join(alice);
        }
        var extra = Fresh.Room();

        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(extra).Join(alice));

        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.True(refused.RetryAfterMs > 0);
        Assert.False((await cluster.Room(extra).GetState()).Exists);
        await cluster.Room(rooms[0]).Leave(alice);
        await cluster.Room(extra).Join(alice);
        Assert.Contains(extra, await cluster.Session(alice).GetRooms());
    }
}
