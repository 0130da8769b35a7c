namespace ChatApp.Tests.Support;

/// <summary>
/// Alice and Bob, each registered with an open, greeted socket and an HTTP client holding their
/// token, in a fresh room that Alice joined first (and so owns). Disposing it closes all four.
/// </summary>
public sealed class TwoMembers(ChatTestClient alice, ChatTestClient bob, string room, long bobJoinedAt, HttpClient aliceHttp, HttpClient bobHttp)
    : IAsyncDisposable
{
    public ChatTestClient Alice { get; } = alice;
    public ChatTestClient Bob { get; } = bob;
    public string Room { get; } = room;

    /// <summary>The room's last seq in Bob's join reply: the first event he sees live comes after it.</summary>
    public long BobJoinedAt { get; } = bobJoinedAt;

    public HttpClient AliceHttp { get; } = aliceHttp;
    public HttpClient BobHttp { get; } = bobHttp;

    public void Deconstruct(out ChatTestClient alice, out ChatTestClient bob, out string room) =>
        (alice, bob, room) = (Alice, Bob, Room);

    public void Deconstruct(out ChatTestClient alice, out ChatTestClient bob, out string room, out HttpClient aliceHttp, out HttpClient bobHttp) =>
        (alice, bob, room, aliceHttp, bobHttp) = (Alice, Bob, Room, AliceHttp, BobHttp);

    public async ValueTask DisposeAsync()
    {
        BobHttp.Dispose();
        AliceHttp.Dispose();
        await Bob.DisposeAsync();
        await Alice.DisposeAsync();
    }
}
