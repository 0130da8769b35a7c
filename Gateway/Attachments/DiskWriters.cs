using System.Collections.Concurrent;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// A few threads of their own that write and fsync uploads' files, one file each at a time. fsync
/// blocks its thread for as long as the disk takes (30-70 ms for 1 MB on the bench machine, seconds
/// when the disk is busy): on the shared thread pool, a few dozen uploads a second would hold every
/// pool thread and the chat traffic of the whole gateway would wait behind them. Here at most
/// <see cref="Count"/> files are written at once and the rest queue; the pool's threads only await.
/// </summary>
public sealed class DiskWriters : IDisposable
{
    /// <summary>Enough to keep a disk's queue busy while a sync waits, few enough that the disk is not thrashed.</summary>
    public const int Count = 4;

    private readonly BlockingCollection<Work> _queue = new();
    private readonly Thread[] _threads;

    public DiskWriters()
    {
        _threads = Enumerable.Range(0, Count).Select(i => new Thread(Run) { IsBackground = true, Name = $"upload disk writer {i}" }).ToArray();
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Writes a new file at <paramref name="path"/> durably (<see cref="DurableFiles.WriteNew"/>) on one of the writers.</summary>
    public Task WriteNewAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var work = new Work(path, bytes, cancellationToken, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Add(work, cancellationToken);
        return work.Done.Task;
    }

    private void Run()
    {
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            // A request given up while it queued (the client went away) writes nothing.
            if (work.CancellationToken.IsCancellationRequested)
            {
                work.Done.TrySetCanceled(work.CancellationToken);
                continue;
            }
            try
            {
                DurableFiles.WriteNew(work.Path, work.Bytes.Span);
                work.Done.TrySetResult();
            }
            catch (Exception ex)
            {
                work.Done.TrySetException(ex);
            }
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(10));
        }
        _queue.Dispose();
    }

    private sealed record Work(string Path, ReadOnlyMemory<byte> Bytes, CancellationToken CancellationToken, TaskCompletionSource Done);
}
