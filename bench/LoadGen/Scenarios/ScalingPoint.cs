namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// One size of the scaling scenario: <paramref name="Rooms"/> rooms of <paramref name="Members"/>
/// members. The "members" series grows one room; the "rooms" series multiplies rooms of 10.
/// </summary>
public sealed record ScalingPoint(string Series, int Rooms, int Members)
{
    public int Sockets => Rooms * Members;

    /// <summary>The size along its series: members of the one room, or the number of rooms.</summary>
    public int Size => Series == "members" ? Members : Rooms;

    /// <summary>Prefix of this point's figure keys, e.g. "members1000" or "rooms100".</summary>
    public string Key => $"{Series}{Size}";

    public string Label => $"{Rooms:N0} × {Members:N0}";

    /// <summary>The points: one room of 10 … 10,000, then 10 … 1,000 rooms of 10.</summary>
    public static IReadOnlyList<ScalingPoint> Default(int largest) =>
    [
        .. new[] { 10, 100, 1_000, 10_000 }.Where(m => m <= largest).Select(m => new ScalingPoint("members", 1, m)),
        .. new[] { 10, 100, 1_000 }.Where(r => r * 10 <= largest).Select(r => new ScalingPoint("rooms", r, 10)),
    ];
}
