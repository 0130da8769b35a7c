using ChatApp.Tests.Support;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// The room as PostgreSQL holds it (the source of truth), compared with what the chatters were told
/// (their acknowledgements) and shown (their events). Every number but <see cref="Acknowledged"/>
/// must be zero, and every list empty, for failover to have lost and duplicated nothing.
/// </summary>
public sealed record RoomAudit(
    int Acknowledged,
    long LastSeq,
    int Lost,
    int Duplicated,
    int LogGaps,
    IReadOnlyList<string> DeliveryFaults)
{
    public bool Clean => Lost == 0 && Duplicated == 0 && LogGaps == 0 && DeliveryFaults.Count == 0;

    public override string ToString() =>
        $"acknowledged {Acknowledged}, log up to seq {LastSeq}, lost {Lost}, duplicated {Duplicated}, gaps in the log {LogGaps}"
        + (DeliveryFaults.Count == 0 ? ", every chatter saw exactly the log" : $", delivery faults: {string.Join("; ", DeliveryFaults.Take(5))}");

    /// <summary>Reads the room's event log and messages, and checks every chatter against them.</summary>
    public static async Task<RoomAudit> CheckAsync(string connectionString, string room, IReadOnlyList<Chatter> chatters)
    {
        var events = (await Sql.QueryAsync(connectionString,
                "SELECT seq, kind, sender, payload->>'clientMsgId' FROM room_events WHERE room = $1 ORDER BY seq", room))
            .Select(row => (Seq: (long)row[0]!, Kind: (string)row[1]!, Sender: (string)row[2]!, ClientMsgId: (string?)row[3]))
            .ToList();
        var messages = (await Sql.QueryAsync(connectionString,
                "SELECT seq, sender, client_msg_id FROM messages WHERE room = $1 ORDER BY seq", room))
            .Select(row => (Seq: (long)row[0]!, Sender: (string)row[1]!, ClientMsgId: (string?)row[2]))
            .ToList();

        // The log numbers events 1, 2, 3, … with nothing missing.
        var gaps = events.Select((e, i) => e.Seq != i + 1).Count(wrong => wrong);

        // Exactly once: each (sender, clientMsgId) is one message and one event.
        var duplicated = messages.GroupBy(m => (m.Sender, m.ClientMsgId)).Sum(g => g.Count() - 1)
            + events.Where(e => e.Kind == "message").GroupBy(e => (e.Sender, e.ClientMsgId)).Sum(g => g.Count() - 1);

        // Every acknowledgement is in the log, at the seq the reply named.
        var stored = messages.ToLookup(m => (m.Sender, m.ClientMsgId), m => m.Seq);
        var acknowledged = 0;
        var lost = 0;
        foreach (var chatter in chatters)
        {
            foreach (var (id, seq) in chatter.Acked)
            {
                acknowledged++;
                if (!stored[(chatter.User, id)].Contains(seq))
                {
                    lost++;
                }
            }
        }

        // Every chatter was shown each event after its join exactly once, in order, equal to the log.
        var lastSeq = events.Count == 0 ? 0 : events[^1].Seq;
        var faults = new List<string>();
        var bySeq = events.ToDictionary(e => e.Seq);
        foreach (var chatter in chatters)
        {
            var shown = chatter.Events;
            var expected = chatter.JoinedAt + 1;
            var faulty = false;
            foreach (var frame in shown)
            {
                var seq = frame.Seq;
                if (seq != expected)
                {
                    faults.Add($"{chatter.User} was shown seq {seq} where {expected} was due");
                    faulty = true;
                    break;
                }
                // A server that lost the end of the log (a promoted standby that lagged) lacks what was shown.
                if (!bySeq.TryGetValue(seq, out var logged))
                {
                    faults.Add($"{chatter.User} was shown a seq {seq} that the log lacks");
                    faulty = true;
                    break;
                }
                if (frame.Kind != logged.Kind || frame.Sender != logged.Sender || frame.ClientMsgId != logged.ClientMsgId)
                {
                    faults.Add($"{chatter.User} was shown a seq {seq} that differs from the log");
                    faulty = true;
                    break;
                }
                expected++;
            }
            if (!faulty && expected != lastSeq + 1)
            {
                faults.Add($"{chatter.User} was shown up to {expected - 1} of {lastSeq}");
            }
        }
        return new RoomAudit(acknowledged, lastSeq, lost, duplicated, gaps, faults);
    }
}
