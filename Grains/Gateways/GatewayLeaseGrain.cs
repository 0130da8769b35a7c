using ChatApp.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateways;

/// <summary>
/// Keeps one gateway's lease and the sessions held through it. Its timer ticks once per
/// <see cref="PresenceOptions.Tick"/> for the whole gateway, where each session used to keep a
/// lease and a timer of its own; the sessions hear from here only when the gateway is gone. Each
/// silo tells it of its sessions in batches (<see cref="LeaseHolds"/>).
/// </summary>
public sealed partial class GatewayLeaseGrain(IOptions<PresenceOptions> presence, TimeProvider time, ILogger<GatewayLeaseGrain> logger)
    : Grain, IGatewayLeaseGrain
{
    private readonly HashSet<IUserSessionGrain> _sessions = [];
    private IChatObserver? _gateway;
    private DateTimeOffset _expiry = DateTimeOffset.MinValue;
    private IGrainTimer? _check;

    public Task<bool> Renew(IChatObserver gateway, TimeSpan lease) => Task.FromResult(!Extend(gateway, lease));

    public Task Apply(IChatObserver gateway, IReadOnlyList<LeaseChange> changes, TimeSpan lease)
    {
        if (lease > TimeSpan.Zero)
        {
            Extend(gateway, lease);
        }
        foreach (var change in changes)
        {
            if (change.Held)
            {
                _sessions.Add(change.Session);
            }
            else
            {
                _sessions.Remove(change.Session);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Extends the lease; true when it was running already.</summary>
    private bool Extend(IChatObserver gateway, TimeSpan lease)
    {
        var now = time.GetUtcNow();
        var running = _expiry > now;
        _gateway = gateway;
        if (now + lease > _expiry)
        {
            _expiry = now + lease;
        }
        // Kept alive by its timer: idle collection must not forget a gateway's sessions before it lapses.
        var tick = presence.Value.Tick;
        _check ??= this.RegisterGrainTimer(CheckAsync, new GrainTimerCreationOptions(tick, tick) { KeepAlive = true });
        return running;
    }

    private Task CheckAsync()
    {
        if (_expiry > time.GetUtcNow() || _gateway is not { } gateway)
        {
            return Task.CompletedTask;
        }
        LogLapsed(logger, this.GetPrimaryKeyString(), _sessions.Count);
        foreach (var session in _sessions)
        {
            // Nobody waits on these: a session lost meanwhile holds no gateway when it comes back.
            session.Detach(gateway).Ignore();
        }
        _sessions.Clear();
        _check?.Dispose();
        _check = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {Gateway} stopped renewing its lease; detaching its {Sessions} sessions")]
    private static partial void LogLapsed(ILogger logger, string gateway, int sessions);
}
