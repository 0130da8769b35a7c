namespace ChatApp.Storage;

/// <summary>Names of the Orleans grain storage providers the silo registers.</summary>
public static class StorageNames
{
    /// <summary>Grain state of rooms and user sessions, in PostgreSQL through the ADO.NET provider.</summary>
    public const string Chat = "chat";
}
