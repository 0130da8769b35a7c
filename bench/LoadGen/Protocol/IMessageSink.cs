namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>Receives every message event a client takes in, with the moment it was read off the socket.</summary>
public interface IMessageSink
{
    void OnMessage(ChatClient client, string room, long seq, ReadOnlySpan<byte> text, long receivedAt);
}

/// <summary>For phases that only need connections: message events are counted by the client and otherwise ignored.</summary>
public sealed class NoSink : IMessageSink
{
    public static readonly NoSink Instance = new();

    public void OnMessage(ChatClient client, string room, long seq, ReadOnlySpan<byte> text, long receivedAt)
    {
    }
}
