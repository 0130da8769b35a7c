namespace ChatApp.Streaming;

/// <summary>
/// What one read of a chat queue answered. <see cref="Activation"/> names the queue grain's
/// activation that placed the batches: sequences start again at 0 in a new activation (after its
/// silo died), so a reader's mark of what it took counts only in the activation it came from.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.Streaming.ChatQueueRead")]
public sealed record ChatQueueRead(
    [property: Id(0)] Guid Activation,
    [property: Id(1)] IReadOnlyList<ChatQueueBatch> Batches);
