using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Users;

namespace ChatApp.Gateway.Profiles;

/// <summary>
/// After a user changed their avatar or display name: reads the profile as it now is and tells the
/// user's session, which passes it to each of the user's rooms, whose relays send it as a
/// <c>profile</c> frame to the sockets following the room. So everyone who shares a room with the
/// user (and so may be looking at their messages or their name in a member list) sees the change
/// without a reload; nobody else is told anything. A new avatar is a new address, so the notice
/// carries the address and no picture.
/// </summary>
public sealed partial class ProfileAnnouncer(UserProfiles profiles, IClusterClient cluster, ILogger<ProfileAnnouncer> logger)
{
    /// <summary>The user's profile now, after telling their rooms of it.</summary>
    public async Task<ProfileView?> Announce(UserName user)
    {
        var (profile, stamp) = await profiles.CurrentOf(user);
        if (profile is null)
        {
            return null;
        }
        try
        {
            await cluster.Session(user).ProfileChanged(new ProfileChange(profile.Name, profile.DisplayName, profile.Avatar, stamp));
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            // The change is stored: others see it at their next load or reconnect, as before there were notices.
            LogNotAnnounced(logger, ex, user.Value);
        }
        return profile;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The profile change of {User} was stored but could not be announced to their rooms")]
    private static partial void LogNotAnnounced(ILogger logger, Exception ex, string user);
}
