using ChatApp.Gateway.Cluster;
using ChatApp.Rooms;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// Presence changes reach a gateway in any order; only one newer than every change already passed
/// on about the same member of the same room goes to the sockets.
/// </summary>
public sealed class PresenceOrderTests
{
    private readonly PresenceOrder _order = new();

    [Fact]
    public void A_change_overtaken_by_a_newer_one_about_the_same_member_is_dropped()
    {
        Assert.True(_order.IsNewest(new PresenceChange("r", "bob", Online: false, Stamp: 20)));
        Assert.False(_order.IsNewest(new PresenceChange("r", "bob", Online: true, Stamp: 10)));
        Assert.False(_order.IsNewest(new PresenceChange("r", "bob", Online: false, Stamp: 20))); // the same one again
        Assert.True(_order.IsNewest(new PresenceChange("r", "bob", Online: true, Stamp: 30)));
    }

    [Fact]
    public void Each_member_of_each_room_is_ordered_on_its_own()
    {
        Assert.True(_order.IsNewest(new PresenceChange("r", "bob", Online: true, Stamp: 20)));

        Assert.True(_order.IsNewest(new PresenceChange("r", "alice", Online: true, Stamp: 10)));
        Assert.True(_order.IsNewest(new PresenceChange("other", "bob", Online: true, Stamp: 10)));
    }

    [Fact]
    public void A_room_forgotten_when_its_last_socket_left_starts_afresh()
    {
        Assert.True(_order.IsNewest(new PresenceChange("r", "bob", Online: false, Stamp: 20)));

        _order.Forget("r");

        Assert.True(_order.IsNewest(new PresenceChange("r", "bob", Online: true, Stamp: 10)));
    }
}
