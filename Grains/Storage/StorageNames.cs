namespace ChatApp.Storage;

/// <summary>Names of the Orleans grain storage providers the silo registers.</summary>
public static class StorageNames
{
    /// <summary>Grain state of rooms and user sessions, in PostgreSQL through the ADO.NET provider.</summary>
    public const string Chat = "chat";

    /// <summary>
    /// Orleans' own name for the store of stream pub-sub state, which this release no longer keeps;
    /// registered only for silos of the release before while a rolling upgrade runs both.
    /// </summary>
    public const string PubSub = "PubSubStore";
}
