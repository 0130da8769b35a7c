using System.Net.WebSockets;
using ChatApp.Gateway.Cluster;
using ChatApp.Users;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// The gateway's index of its sockets by user and by room: a socket that closes leaves every room it
/// followed, and each room it leaves without a follower is named once, so that the gateway stops
/// watching exactly those.
/// </summary>
public sealed class SocketIndexTests
{
    private readonly SocketIndex _index = new();
    private readonly List<string> _emptied = [];

    /// <summary>A signed-in socket; the index uses only its identity and user, none of its cluster parts.</summary>
    private static ChatConnection Socket(string user) =>
        new(WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true }),
            cluster: null!, gapReads: null!, queueLimit: 16, queueBytesLimit: 1 << 20, metrics: null!, NullLogger.Instance)
        {
            SignedInAs = UserName.Parse(user),
        };

    [Fact]
    public void A_closing_socket_leaves_every_room_it_followed_and_names_those_left_without_a_follower()
    {
        var (alice, alicesPhone, bob) = (Socket("alice"), Socket("alice"), Socket("bob"));
        foreach (var socket in new[] { alice, alicesPhone, bob })
        {
            _index.Add(socket);
        }
        Assert.True(_index.Follow(alice, "lobby"));
        Assert.False(_index.Follow(bob, "lobby"));
        Assert.True(_index.Follow(alice, "quiet"));
        Assert.True(_index.Follow(alicesPhone, "phones"));

        var (lastOfUser, emptied) = _index.Remove(alice, _emptied.Add);

        Assert.False(lastOfUser); // her phone is still here
        Assert.Equal(["quiet"], emptied);
        Assert.Equal(["quiet"], _emptied);
        Assert.Equal([bob], _index.FollowersOf("lobby"));
        Assert.False(_index.IsFollowed("quiet"));
        Assert.True(_index.IsFollowing(alicesPhone, "phones"));
    }

    [Fact]
    public void A_room_unfollowed_before_the_close_is_not_named_again()
    {
        var alice = Socket("alice");
        _index.Add(alice);
        _index.Follow(alice, "lobby");
        _index.Follow(alice, "quiet");
        Assert.True(_index.Unfollow(alice, "quiet", _emptied.Add));

        var (lastOfUser, emptied) = _index.Remove(alice, _emptied.Add);

        Assert.True(lastOfUser);
        Assert.Equal(["lobby"], emptied);
        Assert.Equal(["quiet", "lobby"], _emptied);
        var (rooms, users) = _index.Snapshot(withUsers: true);
        Assert.Empty(rooms);
        Assert.Empty(users);
    }
}
