using Xunit;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// <see cref="Chatter"/>s sending in one room on their own while a test brings a fault on, and the
/// verdict every fault test ends with: once they stop, the room's log in PostgreSQL is exactly what
/// they were told and shown, and nobody met an error other than "unavailable". Disposing it stops
/// them and closes their sockets, whether the test got that far or failed on the way.
/// </summary>
public sealed class Conversation : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _chatting;
    private bool _disposed;

    private Conversation(string room, IReadOnlyList<Chatter> chatters, int perSecond, TimeSpan sendWithin)
    {
        Room = room;
        Chatters = chatters;
        _chatting = [.. chatters.Select(c => c.ChatAsync(perSecond, sendWithin, _stop.Token))];
    }

    public string Room { get; }

    public IReadOnlyList<Chatter> Chatters { get; }

    /// <summary>
    /// Sets every chatter sending <paramref name="perSecond"/> messages a second; a send not
    /// acknowledged within <paramref name="sendWithin"/>, retries included, counts as unanswered.
    /// </summary>
    public static Conversation Start(string room, IReadOnlyList<Chatter> chatters, int perSecond, TimeSpan sendWithin) =>
        new(room, chatters, perSecond, sendWithin);

    /// <summary>Waits until each chatter has had <paramref name="count"/> sends acknowledged: the room is in use.</summary>
    public Task UntilEachAckedAsync(int count, TimeSpan within) =>
        Wait.UntilAsync(() => Chatters.All(c => c.Acked.Count >= count), within, "chatting");

    /// <summary>Stops the sending and waits for the sends in flight to end; the sockets stay open.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_chatting);
    }

    /// <summary>
    /// Stops the sending, waits until every chatter was shown the log up to the last acknowledged
    /// seq, and audits the room against the database at <paramref name="connectionString"/>.
    /// </summary>
    public async Task<RoomAudit> SettleAsync(string connectionString, Action<string> log)
    {
        await StopAsync();
        return await Support.Chatters.SettleAsync(connectionString, Room, Chatters, log);
    }

    /// <summary>Nothing acknowledged lost or doubled, every chatter shown exactly the log, and no error but "unavailable".</summary>
    public void AssertClean(RoomAudit audit)
    {
        Assert.True(audit.Clean, audit.ToString());
        Assert.All(Chatters, c => Assert.Empty(c.OtherErrors));
    }

    /// <summary>Stops the sending and closes the sockets; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await StopAsync();
        foreach (var chatter in Chatters)
        {
            await chatter.DisposeAsync();
        }
        _stop.Dispose();
    }
}
