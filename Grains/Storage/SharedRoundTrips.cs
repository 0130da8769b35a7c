namespace ChatApp.Storage;

/// <summary>
/// Reads that come while one round trip is out go together in the next, up to a bound: a storm of
/// activations or hellos costs a few round trips and pool checkouts instead of one each. Alone, a
/// read goes at once. <paramref name="readMany"/> answers a batch of requests with one result each,
/// in the same order.
/// </summary>
public sealed class SharedRoundTrips<TRequest, TResult>(Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> readMany, int maxBatch)
{
    private readonly Lock _lock = new();
    private readonly List<Pending> _waiting = [];
    private bool _reading;
    private long _roundTrips;

    /// <summary>Round trips made so far: fewer than the reads when they shared them.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    public Task<TResult> Read(TRequest request)
    {
        var pending = new Pending(request);
        lock (_lock)
        {
            _waiting.Add(pending);
            if (_reading)
            {
                return pending.Done.Task;
            }
            _reading = true;
        }
        // On the thread pool: started from a grain's turn, the loop would run on that grain's scheduler.
        _ = Task.Run(ReadWhileWaitingAsync);
        return pending.Done.Task;
    }

    private async Task ReadWhileWaitingAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _reading = false;
                    return;
                }
                var take = Math.Min(_waiting.Count, maxBatch);
                batch = _waiting.GetRange(0, take);
                _waiting.RemoveRange(0, take);
            }
            await ReadAsync(batch);
        }
    }

    private async Task ReadAsync(List<Pending> batch)
    {
        try
        {
            Interlocked.Increment(ref _roundTrips);
            var results = await readMany([.. batch.Select(pending => pending.Request)]);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    private sealed class Pending(TRequest request)
    {
        public TRequest Request { get; } = request;
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
