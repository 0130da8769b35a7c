using ChatApp.Errors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChatApp.Storage;

/// <summary>
/// The grain boundary for database failures: a grain call that ends in a driver exception ends,
/// for its caller, in the contract's <c>unavailable</c>. Orleans has no codec for Npgsql's
/// exception types, so letting one cross made the caller see a CodecNotFoundException instead of
/// the failure; the failure itself is logged here, on the silo that saw it.
/// </summary>
public sealed partial class DatabaseFailureFilter(ILogger<DatabaseFailureFilter> logger) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var call = context.Invoke();
        // Nearly every call completes without a fault: those pay for no second state machine.
        return call.IsCompletedSuccessfully ? Task.CompletedTask : Translated(call, context);
    }

    private async Task Translated(Task call, IIncomingGrainCallContext context)
    {
        try
        {
            await call;
        }
        catch (Exception ex) when (ex is not ChatException && FromDriver(ex))
        {
            LogFailed(logger, ex, context.InterfaceName, context.MethodName, context.TargetId);
            throw new ChatException(ErrorCodes.Unavailable, "A database error stopped this request; retry shortly.");
        }
    }

    /// <summary>The driver's exception anywhere in the chain: grain storage wraps it in an OrleansException.</summary>
    private static bool FromDriver(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException)
            {
                return true;
            }
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Interface}.{Method} on {Grain} failed on the database; the caller is told unavailable")]
    private static partial void LogFailed(ILogger logger, Exception exception, string @interface, string method, GrainId grain);
}
