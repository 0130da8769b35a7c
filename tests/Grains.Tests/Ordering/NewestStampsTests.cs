using ChatApp.Ordering;
using Xunit;

namespace ChatApp.Tests.Grains.Ordering;

/// <summary>
/// Notices that may cross on the way (one-way calls) are taken newest first: one no newer than a
/// notice already taken about the same thing is dropped. The relay, and the gateway for presence,
/// membership and unread counts, all keep their order this way.
/// </summary>
public sealed class NewestStampsTests
{
    private readonly NewestStamps<(string Room, string User)> _presence = new();

    [Fact]
    public void A_notice_overtaken_by_a_newer_one_about_the_same_thing_is_dropped()
    {
        Assert.True(_presence.TryAdvance(("r", "bob"), 20));   // "offline", sent second, came first
        Assert.False(_presence.TryAdvance(("r", "bob"), 10));  // "online", sent first, came late
        Assert.False(_presence.TryAdvance(("r", "bob"), 20));  // the same notice again
        Assert.True(_presence.TryAdvance(("r", "bob"), 30));
    }

    [Fact]
    public void Each_key_is_ordered_on_its_own()
    {
        Assert.True(_presence.TryAdvance(("r", "bob"), 20));

        Assert.True(_presence.TryAdvance(("r", "alice"), 10));
        Assert.True(_presence.TryAdvance(("other", "bob"), 10));
    }

    [Fact]
    public void Names_compare_as_the_comparer_says()
    {
        var members = new NewestStamps<string>(StringComparer.Ordinal);
        members.TryAdvance("bob", 5);

        Assert.True(members.TryAdvance("Bob", 1));
        Assert.False(members.TryAdvance("bob", 5));
    }
}
