using ChatApp.Errors;

namespace ChatApp.Rooms;

/// <summary>
/// The answer to one join of a batch (<see cref="IRoomGrain.JoinMany"/>): what the joiner is shown,
/// or the refusal <see cref="IRoomGrain.Join(Users.UserName)"/> would have thrown for them alone.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.JoinOutcome")]
public sealed record JoinOutcome(
    [property: Id(0)] JoinResult? Joined,
    [property: Id(1)] ChatException? Refused)
{
    public static JoinOutcome Of(JoinResult joined) => new(joined, null);

    public static JoinOutcome Of(ChatException refused) => new(null, refused);

    /// <summary>Why the join did not happen (its refusal, or "retry" when the outcome names none); null when it did.</summary>
    public ChatException? Failure => Joined is null ? Refused ?? new ChatException(ErrorCodes.Unavailable, "The join could not be stored; retry.") : null;

    /// <summary>What the joiner is shown, or the refusal thrown.</summary>
    public JoinResult Result => Joined ?? throw Failure!;
}
