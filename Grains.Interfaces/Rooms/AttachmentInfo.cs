namespace ChatApp.Rooms;

/// <summary>
/// What a message says of one file it carries: enough to show it (a thumbnail, or a download with
/// its name and size) without reading the bytes, which the gateway serves at
/// <c>/api/attachments/{id}</c> to the room's members only.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.AttachmentInfo")]
public sealed record AttachmentInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] long Size,
    [property: Id(3)] string ContentType,
    [property: Id(4)] bool HasThumbnail);

/// <summary>How many files one message may carry.</summary>
public static class AttachmentRules
{
    public const int PerMessage = 10;

    /// <summary>Refuses more than <see cref="PerMessage"/> files or one named twice (the contract's <c>validation</c>).</summary>
    public static void CheckIds(IReadOnlyList<Guid>? ids)
    {
        if (ids is null)
        {
            return;
        }
        if (ids.Count > PerMessage)
        {
            throw new Errors.ChatException(Errors.ErrorCodes.Validation, $"A message carries at most {PerMessage} attachments.");
        }
        if (ids.Distinct().Count() != ids.Count)
        {
            throw new Errors.ChatException(Errors.ErrorCodes.Validation, "An attachment is named twice.");
        }
    }
}
