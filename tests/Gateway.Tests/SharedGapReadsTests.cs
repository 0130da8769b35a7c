using ChatApp.Errors;
using ChatApp.Gateway.Cluster;
using ChatApp.Rooms;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// Sockets of one gateway that find the same gap in a room read the room's log once between them,
/// and a read that failed for one socket is never another's answer.
/// </summary>
public sealed class SharedGapReadsTests
{
    private readonly SharedGapReads _reads = new(TimeProvider.System);

    private static EventPage Page(params long[] seqs) =>
        new([.. seqs.Select(seq => new RoomEvent("r", seq, RoomEventKind.Message, "alice", DateTime.UtcNow, Text: $"m{seq}"))], HasMore: false);

    [Fact]
    public async Task Sockets_finding_the_same_gap_share_one_read_of_the_log()
    {
        var logReads = 0;
        var answer = new TaskCompletionSource<EventPage>();
        Task<EventPage> ReadLog()
        {
            Interlocked.Increment(ref logReads);
            return answer.Task;
        }

        var sockets = Enumerable.Range(0, 100).Select(_ => _reads.Read("r", after: 10, upTo: 12, ReadLog)).ToArray();
        answer.SetResult(Page(11, 12));
        var pages = await Task.WhenAll(sockets);
        var late = await _reads.Read("r", after: 10, upTo: 12, ReadLog); // a socket whose queue was behind

        Assert.Equal(1, logReads);
        Assert.All(pages.Append(late), page => Assert.Equal([11L, 12L], page.Events.Select(e => e.Seq)));
    }

    [Fact]
    public async Task Other_gaps_and_other_rooms_are_read_on_their_own()
    {
        var logReads = 0;
        Task<EventPage> ReadLog()
        {
            Interlocked.Increment(ref logReads);
            return Task.FromResult(Page(11));
        }

        await _reads.Read("r", after: 10, upTo: 11, ReadLog);
        await _reads.Read("r", after: 9, upTo: 11, ReadLog);
        await _reads.Read("r", after: 10, upTo: 12, ReadLog);
        await _reads.Read("other", after: 10, upTo: 11, ReadLog);

        Assert.Equal(4, logReads);
    }

    [Fact]
    public async Task A_read_that_failed_for_one_socket_is_not_the_answer_for_another()
    {
        var kicked = new TaskCompletionSource<EventPage>();
        var first = _reads.Read("r", after: 10, upTo: 11, () => kicked.Task);
        var second = _reads.Read("r", after: 10, upTo: 11, () => Task.FromResult(Page(11)));
        kicked.SetException(new ChatException(ErrorCodes.NotFound, "No such room."));

        await Assert.ThrowsAsync<ChatException>(() => first);
        Assert.Equal([11L], (await second).Events.Select(e => e.Seq));
        Assert.Equal([11L], (await _reads.Read("r", after: 10, upTo: 11, () => Task.FromResult(Page(11)))).Events.Select(e => e.Seq));
    }
}
