using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatApp.Storage;

/// <summary>
/// Writes of many rooms share PostgreSQL round trips and commits. Each room writes one event at a
/// time and waits for it, so on its own a busy silo pays a round trip, a transaction and a WAL
/// flush per message; here the writes that arrive while a batch is in flight go together in the
/// next one, as one transaction. Under light load a write goes out at once, alone: nothing waits
/// for company. Commits are also paced (<see cref="GroupCommitOptions.Interval"/>): where writes
/// come steadily but each alone, a commit per write was most of what a message cost PostgreSQL.
/// </summary>
public sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>Batches in flight at once: one fills while another commits.</summary>
    public const int Writers = 2;

    /// <summary>The most statements in one batch, so that one slow batch cannot hold hundreds of rooms.</summary>
    public const int MaxBatch = 128;

    private readonly NpgsqlDataSource _db;
    private readonly long _interval;
    private readonly Lock _pace = new();
    // When the next commit may start, as a Stopwatch timestamp; each commit takes its own slot.
    private long _nextStart;
    private readonly Channel<Write> _pending = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });
    private readonly Task[] _writers;
    // Ends a writer's wait for its turn when the silo stops: both writers wake for one write, and the
    // one that finds it taken may be waiting out a whole interval for nothing.
    private readonly CancellationTokenSource _stopping = new();
    private long _batches;

    public GroupCommit(NpgsqlDataSource db) : this(db, Options.Create(new GroupCommitOptions()))
    {
    }

    public GroupCommit(NpgsqlDataSource db, IOptions<GroupCommitOptions> options)
    {
        _db = db;
        _interval = (long)(options.Value.Interval.TotalSeconds * Stopwatch.Frequency);
        _writers = [.. Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteBatchesAsync))];
    }

    /// <summary>Round trips made so far: fewer than the statements when writes shared them.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>
    /// Executes one statement in the next batch; the rows it affected, once committed. The statement
    /// is made by <paramref name="statement"/>, each time it is sent: it may have to go twice.
    /// </summary>
    public Task<int> Execute(Func<NpgsqlBatchCommand> statement)
    {
        var write = new Write(statement);
        if (!_pending.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(GroupCommit));
        }
        return write.Done.Task;
    }

    private async Task WriteBatchesAsync()
    {
        var batch = new List<Write>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            await TakeTurnAsync();
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }
            if (batch.Count > 0)
            {
                await CommitAsync(batch);
                batch.Clear();
            }
        }
    }

    /// <summary>
    /// Waits until this writer's commit may start, at least the interval after the one before it.
    /// A full batch already waiting need not wait for company.
    /// </summary>
    private async Task TakeTurnAsync()
    {
        if (_interval <= 0 || _pending.Reader.Count >= MaxBatch)
        {
            return;
        }
        var now = Stopwatch.GetTimestamp();
        long start;
        lock (_pace)
        {
            start = Math.Max(now, _nextStart);
            _nextStart = start + _interval;
        }
        if (start > now)
        {
            try
            {
                await Task.Delay(Stopwatch.GetElapsedTime(now, start), _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping: whatever is still pending goes now.
            }
        }
    }

    private async Task CommitAsync(List<Write> writes)
    {
        try
        {
            var affected = await ExecuteTogether(writes);
            for (var i = 0; i < writes.Count; i++)
            {
                writes[i].Done.TrySetResult(affected[i]);
            }
        }
        catch (PostgresException ex) when (writes.Count > 1 && !DatabaseFaults.IsUnavailable(ex))
        {
            // One statement broke the shared transaction (a seq some room got wrong, say) and took the
            // others with it: each goes again alone, so only the faulty one fails.
            await CommitEachAloneAsync(writes);
        }
        catch (Exception ex)
        {
            foreach (var write in writes)
            {
                write.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>
    /// The writes of a broken batch, each in a transaction of its own, one after another on one
    /// connection: all at once, a batch of 128 would ask the pool for 128 connections (a test's
    /// uncapped pool took 51 and ran PostgreSQL out of connection slots) and starve the silo's reads.
    /// </summary>
    private async Task CommitEachAloneAsync(List<Write> writes)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _db.OpenConnectionAsync();
        }
        catch (Exception ex)
        {
            writes.ForEach(write => write.Done.TrySetException(ex));
            return;
        }
        await using (connection)
        {
            foreach (var write in writes)
            {
                try
                {
                    write.Done.TrySetResult((await ExecuteTogether(connection, [write]))[0]);
                }
                catch (Exception ex)
                {
                    write.Done.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>One round trip; without an explicit transaction PostgreSQL runs a batch as one.</summary>
    private async Task<int[]> ExecuteTogether(IReadOnlyList<Write> writes)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await ExecuteTogether(connection, writes);
    }

    private async Task<int[]> ExecuteTogether(NpgsqlConnection connection, IReadOnlyList<Write> writes)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var write in writes)
        {
            batch.BatchCommands.Add(write.Statement());
        }
        await batch.ExecuteNonQueryAsync();
        Interlocked.Increment(ref _batches);
        return [.. batch.BatchCommands.Select(static (NpgsqlBatchCommand c) => c.RecordsAffected)];
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll(_writers);
        _stopping.Dispose();
    }

    private sealed record Write(Func<NpgsqlBatchCommand> Statement)
    {
        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
