using Npgsql;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// A file stored as chunk rows, read as one stream: the bytes column of each row in turn, straight
/// from the reader (sequential access), so no chunk and no file is held whole. Forward only; the
/// reader must stand on the first row.
/// </summary>
public sealed class ChunkStream(NpgsqlDataReader reader, int column) : Stream
{
    private Stream? _chunk;
    private bool _onRow = true;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_chunk is null)
            {
                if (!_onRow)
                {
                    return 0;
                }
                _chunk = await reader.GetStreamAsync(column, cancellationToken);
            }
            var read = await _chunk.ReadAsync(buffer, cancellationToken);
            if (read > 0 || buffer.Length == 0)
            {
                return read;
            }
            await _chunk.DisposeAsync();
            _chunk = null;
            _onRow = await reader.ReadAsync(cancellationToken);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Served only asynchronously (Kestrel's response copy); a blocking read would hold a thread per download.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_chunk is not null)
        {
            await _chunk.DisposeAsync();
            _chunk = null;
        }
        await base.DisposeAsync();
    }
}
