namespace ChatApp.Storage;

/// <summary>
/// Times as the contract spells them: UTC with milliseconds. Truncating here means the time a
/// client is told on send equals the time it later reads back from PostgreSQL.
/// </summary>
public static class ChatClock
{
    public static DateTime Now(TimeProvider time)
    {
        var ticks = time.GetUtcNow().UtcTicks;
        return new DateTime(ticks - ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}
