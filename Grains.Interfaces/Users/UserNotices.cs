namespace ChatApp.Users;

/// <summary>A user's unread count for a room changed (their read marker moved); <see cref="Mentions"/> of those name the user.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.UnreadChange")]
public sealed record UnreadChange(
    [property: Id(0)] string User,
    [property: Id(1)] string Room,
    [property: Id(2)] long Count,
    [property: Id(3)] long LastReadSeq,
    [property: Id(4)] long Mentions = 0);

/// <summary>How much of a room the user has not read: messages, and of those the ones naming them.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.UnreadCount")]
public sealed record UnreadCount(
    [property: Id(0)] long Messages,
    [property: Id(1)] long Mentions);

/// <summary>Someone named the user with @name in a room's message <see cref="Seq"/>.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.Mention")]
public sealed record Mention(
    [property: Id(0)] string User,
    [property: Id(1)] string Room,
    [property: Id(2)] long Seq,
    [property: Id(3)] string Sender);
