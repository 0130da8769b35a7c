namespace ChatApp.Tests.Failover.Support;

/// <summary>A crowd of <see cref="Chatter"/>s in one room: bringing them in, and settling the score at the end.</summary>
public static class Chatters
{
    /// <summary>Registers <paramref name="count"/> fresh users and has each join the room through the cluster's first gateway.</summary>
    public static async Task<List<Chatter>> JoinAsync(FailoverCluster cluster, string room, int count)
    {
        var chatters = new List<Chatter>();
        for (var i = 0; i < count; i++)
        {
            var (name, token) = await cluster.RegisterAsync("chatter");
            chatters.Add(await Chatter.JoinAsync(() => cluster.Gateways.First(g => g.IsRunning).SocketUri, name, token, room));
        }
        return chatters;
    }

    /// <summary>
    /// Waits until every chatter was shown the room's log up to the newest acknowledged seq, then
    /// audits the room against what they were told and shown, and writes the figures to <paramref name="log"/>.
    /// </summary>
    public static async Task<RoomAudit> SettleAsync(string connectionString, string room, IReadOnlyList<Chatter> chatters, Action<string> log)
    {
        var lastSeq = chatters.Max(c => c.Acked.Values.DefaultIfEmpty().Max());
        await Task.WhenAll(chatters.Select(c => c.CatchUpAsync(lastSeq, TimeSpan.FromSeconds(60))));
        var audit = await RoomAudit.CheckAsync(connectionString, room, chatters);
        log(audit.ToString());
        foreach (var c in chatters)
        {
            log($"  {c.User}: {c.Acked.Count} acknowledged, {c.Unavailable} unavailable, {c.Timeouts} unanswered, "
                + $"{c.Reconnects} reconnects, {c.Resyncs} resyncs ({c.Reloaded} messages reloaded through history)");
        }
        return audit;
    }

    /// <summary>
    /// The longest any send waited for its acknowledgement among those acknowledged after <paramref name="since"/>
    /// (a Stopwatch timestamp): how long a fault that began then kept a user waiting, retries included.
    /// </summary>
    public static TimeSpan LongestWaitAfter(IEnumerable<Chatter> chatters, long since) =>
        chatters.SelectMany(c => c.Sends).Where(s => s.AckedAt > since)
            .Select(s => System.Diagnostics.Stopwatch.GetElapsedTime(s.StartedAt, s.AckedAt)).DefaultIfEmpty().Max();

    /// <summary>Per chatter, how long after <paramref name="since"/> (a Stopwatch timestamp) the first send begun after it was acknowledged.</summary>
    public static TimeSpan RecoveredAfter(IEnumerable<Chatter> chatters, long since) =>
        chatters.Max(c => System.Diagnostics.Stopwatch.GetElapsedTime(since, c.Sends.First(s => s.StartedAt > since).AckedAt));
}
