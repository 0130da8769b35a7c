using ChatApp.Errors;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Durability;

/// <summary>
/// A database failure inside a grain reaches the caller as the contract's <c>unavailable</c>,
/// whatever the driver threw: Orleans cannot carry Npgsql's exception types, and without the
/// translation the caller got a CodecNotFoundException instead.
/// </summary>
/// <remarks>
/// Each test takes one table away (renamed, in this class's own database) for the length of one
/// call and puts it back, so the failures are real PostgreSQL errors and the tests stay apart.
/// </remarks>
public sealed class DatabaseFailureTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_statement_the_database_refuses_inside_a_grain_method_reaches_the_caller_as_unavailable()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        await cluster.Room(room).Join(alice);

        var refused = await cluster.WithoutTableAsync("room_events", () =>
            Assert.ThrowsAsync<ChatException>(() => cluster.Room(room).Send(alice, Fresh.MsgId(), "into a missing table")));

        Assert.Equal(ErrorCodes.Unavailable, refused.Code);
    }

    [Fact]
    public async Task A_grain_whose_state_cannot_be_read_reaches_the_caller_with_the_databases_error()
    {
        var refused = await cluster.WithoutTableAsync("orleansstorage", () =>
            Assert.ThrowsAnyAsync<Exception>(() => cluster.Room(Fresh.Room()).GetState()));

        // The activation fails before any grain call runs, so Orleans sends the failure as it is.
        Assert.IsNotType<Orleans.Serialization.CodecNotFoundException>(refused);
        Assert.Contains("orleansstorage", refused.ToString());
    }
}
