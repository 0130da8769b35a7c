using System.Runtime.InteropServices;
using System.Text;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// Writing a file so that it is on the disk when the call returns: its bytes and its name. fsync of
/// the file makes its bytes durable; the name it was made under is an entry of its folder, which is
/// durable only once the folder itself is fsynced (POSIX says so; .NET offers no call for it).
/// </summary>
internal static class DurableFiles
{
    /// <summary>
    /// Writes <paramref name="bytes"/> as a new file at <paramref name="path"/> (never over one) and
    /// syncs it and its folder. Blocks its thread until the disk has them (<see cref="DiskWriters"/>).
    /// </summary>
    public static void WriteNew(string path, ReadOnlySpan<byte> bytes)
    {
        // Written straight from the caller's buffer: no FileStream buffer to copy through.
        using (var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, bytes.Length))
        {
            try
            {
                RandomAccess.Write(file, bytes, 0);
                RandomAccess.FlushToDisk(file);
            }
            catch
            {
                // A disk full or failing: no half-written file stays behind to be taken for an upload.
                File.Delete(path);
                throw;
            }
        }
        SyncFolder(Path.GetDirectoryName(path)!);
    }

    /// <summary>fsync of a folder, so that the names made or removed in it survive a crash.</summary>
    public static void SyncFolder(string folder)
    {
        var fd = Native.open(Encoding.UTF8.GetBytes(folder + '\0'), Native.ReadOnly | Native.Directory);
        if (fd < 0)
        {
            throw new IOException($"Opening the folder {folder} to sync it failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (Native.fsync(fd) != 0)
            {
                throw new IOException($"Syncing the folder {folder} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    private static class Native
    {
        public const int ReadOnly = 0;        // O_RDONLY
        public const int Directory = 0x10000; // O_DIRECTORY on Linux (x64 and arm64)

        // The path as NUL-terminated UTF-8 bytes, what Linux takes: no string marshalling to choose, and
        // only blittable arguments, so no generated marshalling code (which would need unsafe code).
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int open(byte[] path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int close(int fd);
    }
}
