namespace ChatApp.Streaming;

/// <summary>
/// What one read of a chat queue answered. <see cref="Activation"/> names the queue grain's
/// activation that placed the batches: a reader's mark of what it took counts only in the
/// activation it came from, since a new activation (after its silo died) never held what the old
/// one handed out.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.Streaming.ChatQueueRead")]
public sealed record ChatQueueRead(
    [property: Id(0)] Guid Activation,
    [property: Id(1)] IReadOnlyList<ChatQueueBatch> Batches);
