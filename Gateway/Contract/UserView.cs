namespace ChatApp.Gateway.Contract;

/// <summary>A signed-in user as the contract shows one.</summary>
public sealed record UserView(long Id, Users.UserName Name);
