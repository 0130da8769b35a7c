using ChatApp.Errors;
using Npgsql;

namespace ChatApp.Storage;

/// <summary>Turns a database that cannot be reached into the contract's retryable error.</summary>
public static class DatabaseFaults
{
    public static async Task<T> Guard<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (NpgsqlException ex) when (ex is not PostgresException pg || IsTransient(pg))
        {
            throw new ChatException(ErrorCodes.Unavailable, "The database is unavailable; retry shortly.");
        }
    }

    // A server that is shutting down or restarting answers with these states rather than dropping the socket.
    private static bool IsTransient(PostgresException ex) =>
        ex.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
}
