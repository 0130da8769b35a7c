using ChatApp.Errors;
using Npgsql;

namespace ChatApp.Storage;

/// <summary>
/// Turns a database that cannot be reached into the contract's retryable error. The client
/// retries with the same clientMsgId, so a write whose outcome was unknown is never stored twice.
/// </summary>
public static class DatabaseFaults
{
    public static async Task<T> Guard<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new ChatException(ErrorCodes.Unavailable, "The database is unavailable; retry shortly.");
        }
    }

    /// <summary>
    /// True when the failure means "the database is down or restarting", not "the statement is wrong".
    /// Orleans' grain storage wraps the driver's exception in an OrleansException, so the whole chain is searched.
    /// </summary>
    public static bool IsUnavailable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException npgsql)
            {
                // Any driver failure without a server answer is the connection's: refused, reset or timed out.
                return npgsql is not PostgresException pg || IsTransient(pg);
            }
        }
        return false;
    }

    // A server that is shutting down, restarting or full answers with these states rather than dropping the socket;
    // class 08 is a connection that broke while in use.
    private static bool IsTransient(PostgresException ex) =>
        ex.SqlState.StartsWith("08", StringComparison.Ordinal)
        || ex.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
}
