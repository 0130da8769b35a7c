using System.Buffers;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// An upload's body, read whole into a buffer borrowed from the shared pool and given back when
/// disposed. A new array per upload would be a large-object allocation each time (over 85 kB):
/// at tens of 1 MB uploads a second those force full garbage collections in the process that also
/// carries every socket's messages.
/// </summary>
public sealed class UploadBody : IDisposable
{
    private byte[]? _buffer;

    private UploadBody(byte[] buffer, int length) => (_buffer, Length) = (buffer, length);

    public int Length { get; }

    public ReadOnlyMemory<byte> Bytes => (_buffer ?? throw new ObjectDisposedException(nameof(UploadBody))).AsMemory(0, Length);

    /// <summary>
    /// The whole body, read as it arrives: Kestrel fails the read once it passes the endpoint's bound
    /// (so at most that much is ever held), and a body cut short fails it too; nothing is stored then.
    /// </summary>
    public static async Task<UploadBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        var buffer = ArrayPool<byte>.Shared.Rent(declared is { } length ? (int)Math.Clamp(length, 1, maxBytes) : 64 * 1024);
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == declared)
                {
                    // Kestrel hands a request no byte past its Content-Length: this is all of it.
                    return new UploadBody(buffer, filled);
                }
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(checked(buffer.Length * 2));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    return new UploadBody(buffer, filled);
                }
                filled += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
