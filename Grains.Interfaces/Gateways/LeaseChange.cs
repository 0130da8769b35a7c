using ChatApp.Users;

namespace ChatApp.Gateways;

/// <summary>A session now held through a gateway (<see cref="Held"/>), or no longer.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.LeaseChange")]
public readonly record struct LeaseChange(
    [property: Id(0)] IUserSessionGrain Session,
    [property: Id(1)] bool Held);
