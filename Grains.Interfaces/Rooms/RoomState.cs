namespace ChatApp.Rooms;

/// <summary>
/// The persisted state of a room grain: who owns it, who may see it, who belongs to it.
/// <see cref="LastSeq"/> is a convenience copy for inspection; the event log in PostgreSQL
/// is the authority on sequence numbers and is read again whenever the grain activates.
/// </summary>
[GenerateSerializer, Alias("ChatApp.RoomState")]
public sealed class RoomState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Owner { get; set; } = "";
    [Id(2)] public string Visibility { get; set; } = RoomVisibility.Public;
    [Id(3)] public string Topic { get; set; } = "";
    [Id(4)] public Dictionary<string, string> Members { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public HashSet<string> Banned { get; set; } = new(StringComparer.Ordinal);
    [Id(6)] public long LastSeq { get; set; }
    [Id(7)] public DateTime CreatedAt { get; set; }
}
