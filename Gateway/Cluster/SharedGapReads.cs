using System.Collections.Concurrent;
using ChatApp.Rooms;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// One read of a room's log for a gap that many local sockets see at once. When the live path
/// loses or delays an event, every socket following the room finds the same hole within a few
/// milliseconds of each other; each asking the room grain for it turned one late event into
/// hundreds of identical queries, and under load those queries made the room fall further behind
/// (bench/README.md, fanout). A read is shared while it runs and for a few seconds after.
/// </summary>
public sealed class SharedGapReads(TimeProvider time)
{
    /// <summary>How long a finished read still answers sockets that reach the same gap later.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Room, long After, long UpTo), Task<EventPage>> _reads = new();

    /// <summary>
    /// The events of <paramref name="room"/> in (after, upTo], as one socket's <paramref name="read"/>
    /// finds them, or as another's did. Only a bounded range is shared: those events reach every
    /// follower on the live path anyway, so no socket learns more than its room would send it. A
    /// shared read that failed (its reader was no longer a member, say) is not an answer for the
    /// others: each then reads for itself.
    /// </summary>
    public async Task<EventPage> Read(string room, long after, long upTo, Func<Task<EventPage>> read)
    {
        var key = (room, after, upTo);
        if (_reads.TryGetValue(key, out var shared) && !shared.IsFaulted && !shared.IsCanceled)
        {
            try
            {
                return await shared;
            }
            catch (Exception)
            {
                return await read();
            }
        }
        var own = read();
        _reads[key] = own;
        _ = ForgetLaterAsync(key, own);
        return await own;
    }

    private async Task ForgetLaterAsync((string, long, long) key, Task<EventPage> read)
    {
        try
        {
            await read;
        }
        catch (Exception)
        {
            // The reader deals with its own failure; a failed read is simply not shared.
        }
        await Task.Delay(Keep, time);
        _reads.TryRemove(KeyValuePair.Create(key, read));
    }
}
