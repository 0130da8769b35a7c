namespace ChatApp.Rooms;

/// <summary>
/// A relay's answer to a gateway's watch. <see cref="IsNew"/>: the relay did not know the gateway
/// (its first watch, or the relay was lost with its silo), which may therefore have missed events.
/// <see cref="LastRelayed"/>: the seq of the last event this relay passed on before the watch (0:
/// none yet); every later event it takes from the stream reaches the gateway, so a socket that
/// follows the room from that seq or beyond has nothing to read from the log.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.WatchAnswer")]
public sealed record WatchAnswer(
    [property: Id(0)] bool IsNew,
    [property: Id(1)] long LastRelayed);
