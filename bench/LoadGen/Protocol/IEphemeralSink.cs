namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>
/// Receives the ephemeral frames (no seq) a client reads: <c>presence</c> and <c>typing</c>, with
/// the moment each was read. A message sink that also implements this gets them; the user name is
/// the raw bytes of the frame's field (user names need no JSON escapes).
/// </summary>
public interface IEphemeralSink
{
    void OnPresence(BenchClient client, string room, ReadOnlySpan<byte> user, bool online, long receivedAt);

    void OnTyping(BenchClient client, string room, ReadOnlySpan<byte> user, long receivedAt);
}
