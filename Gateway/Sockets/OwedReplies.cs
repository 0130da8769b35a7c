namespace ChatApp.Gateway.Sockets;

/// <summary>
/// The replies one socket owes, written in the order its frames came. A <c>send</c> is owed its
/// reply from the moment it is in its room's queue (<see cref="Cluster.RoomSendBatcher"/>) until
/// its commit, and the socket reads on meanwhile: its next sends can join the same batch instead
/// of each waiting for the one before to commit. At most <see cref="Limit"/> are owed at once;
/// past that the socket reads no further until the oldest is answered.
/// </summary>
public sealed class OwedReplies(Func<string?, Task<object>, Task> answer)
{
    /// <summary>Sends of one socket awaiting their commit at once: 4 × a client's usual window, well under a batch.</summary>
    public const int Limit = 16;

    private readonly Queue<Task> _owed = new();
    private Task _last = Task.CompletedTask;

    /// <summary>
    /// Owes the reply <paramref name="data"/> will give, to be written once every reply owed before
    /// it is written; waits only while <see cref="Limit"/> replies are owed.
    /// </summary>
    public async Task OweAsync(string? reference, Task<object> data)
    {
        _last = AnswerAfterAsync(_last, reference, data);
        _owed.Enqueue(_last);
        while (_owed.TryPeek(out var oldest) && (oldest.IsCompleted || _owed.Count > Limit))
        {
            await _owed.Dequeue();
        }
    }

    /// <summary>Completes once every reply owed so far is written; never fails.</summary>
    public Task AllAnsweredAsync() => _last;

    private async Task AnswerAfterAsync(Task before, string? reference, Task<object> data)
    {
        await before;
        await answer(reference, data);
    }
}
