using System.Net;
using System.Net.Http.Json;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Limits;
using ChatApp.Gateway.Sockets;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// A gateway warms itself up through its own /ws before it says it is ready: its own accounts say
/// hello, join rooms that others are in, read and leave, and leave nothing a user could see.
/// </summary>
public sealed class WarmupTests
{
    // Eight accounts a round: two keep a room each through both rounds, and in each round six others,
    // new ones, come: four visit the rooms (two a room) and two only say hello.
    private static readonly Dictionary<string, string> Warm = new()
    {
        [ChatSystem.WarmupUsers] = "8",
        ["Warmup:Visitors"] = "4",
        ["Warmup:RoomSize"] = "2",
        ["Warmup:Rounds"] = "2",
        ["Warmup:Pause"] = "00:00:00.100",
    };

    [Fact]
    public async Task A_gateway_says_hello_and_joins_through_its_own_sockets_and_the_rooms_go_afterwards()
    {
        await using var system = await ChatSystem.StartAsync(gatewaySettings: Warm);

        var result = await WarmedAsync(system);

        Assert.Null(result.Failure);
        Assert.Equal(0, result.Refused);
        Assert.Equal(2 + 6 * 2, result.Users);
        // The keepers' hellos, then in each of two rounds every visitor's two (its own and a second
        // device's) and the others' one.
        Assert.Equal(2 + 2 * (4 * 2 + 2), result.Hellos);
        Assert.Equal(2 + 2 * 4, result.Joins);
        using var http = system.Http();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        // The joins went through the rooms: each room logged its keeper's join and two visitors' joins a round.
        var joins = await Sql.ScalarAsync<long>(system.Database.ConnectionString,
            "SELECT count(*) FROM room_events WHERE room = $1 AND kind = 'join'", SocketWarmup.RoomName(0));
        Assert.Equal(5, joins);
        // Each round's visitors were accounts of their own, whose sessions the round made.
        Assert.Equal(5, await Sql.ScalarAsync<long>(system.Database.ConnectionString,
            "SELECT count(DISTINCT sender) FROM room_events WHERE room = $1 AND kind = 'join'", SocketWarmup.RoomName(0)));
        // Everyone left, no message was sent: the rooms are gone, as rooms made by joining and left are.
        Assert.Equal(0, await Sql.ScalarAsync<long>(system.Database.ConnectionString,
            "SELECT count(*) FROM rooms WHERE id LIKE 'chatapp-warmup-%'"));
        Assert.Equal(0, await Sql.ScalarAsync<long>(system.Database.ConnectionString,
            "SELECT count(*) FROM room_members WHERE room LIKE 'chatapp-warmup-%'"));
    }

    [Fact]
    public async Task Nobody_registers_or_signs_in_as_a_warm_up_account()
    {
        await using var system = await ChatSystem.StartAsync(gatewaySettings: Warm);
        await WarmedAsync(system);
        using var http = system.Http();
        var name = SystemAccounts.WarmupName(0).Value;

        var register = await http.PostAsJsonAsync("/api/auth/register", new { username = name, password = Accounts.Password });
        var login = await http.PostAsJsonAsync("/api/auth/login", new { username = name, password = "" });
        var guess = await http.PostAsJsonAsync("/api/auth/login", new { username = name, password = Accounts.Password });

        await HttpSteps.AssertProblemAsync(register, HttpStatusCode.BadRequest, "validation");
        await HttpSteps.AssertProblemAsync(login, HttpStatusCode.Unauthorized, "unauthorized");
        await HttpSteps.AssertProblemAsync(guess, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_account_someone_registered_under_a_kept_name_is_never_used_by_the_warm_up()
    {
        // Registered before the names were kept (sql/0025), as an older release allowed.
        var database = await TestDatabase.CreateAsync();
        var theirs = SystemAccounts.WarmupName(1).Value;
        await Sql.ScalarAsync<long>(database.ConnectionString,
            "INSERT INTO users (name, password_hash) VALUES ($1, 'their hash') RETURNING id", theirs);
        await using var system = await ChatSystem.StartAsync(gatewaySettings: Warm, database: database);

        var result = await WarmedAsync(system);

        Assert.Null(result.Failure);
        Assert.Equal(2 + 6 * 2 - 1, result.Users);
        Assert.Equal(0, await Sql.ScalarAsync<long>(system.Database.ConnectionString,
            "SELECT count(*) FROM room_events WHERE sender = $1", theirs));
        Assert.Equal("their hash", await Sql.ScalarAsync<string>(system.Database.ConnectionString,
            "SELECT password_hash FROM users WHERE name = $1", theirs));
    }

    [Fact]
    public async Task No_accounts_turn_the_warm_up_off()
    {
        await using var system = await ChatSystem.StartAsync();

        var result = await WarmedAsync(system);

        Assert.Equal(0, result.Hellos);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(system.Database.ConnectionString,
            "SELECT count(*) FROM users WHERE system"));
    }

    [Fact]
    public async Task The_warm_up_makes_rooms_until_every_silo_has_one()
    {
        // One room would be enough for the visitors: a silo that got no room would meet its first in
        // the first storm, and compile the rooms' code then.
        var oneRoom = new Dictionary<string, string>(Warm) { ["Warmup:Visitors"] = "2", ["Warmup:RoomSize"] = "2" };
        await using var system = await ChatSystem.StartAsync(silos: 2, gatewaySettings: oneRoom);

        var result = await WarmedAsync(system);

        Assert.Null(result.Failure);
        Assert.Equal(2, result.RoomSilos);
        Assert.InRange(result.Rooms, 2, 1 + SocketWarmup.MoreRoomsPerSilo * 2);
        Assert.Equal(result.Rooms, await Sql.ScalarAsync<long>(system.Database.ConnectionString,
            "SELECT count(DISTINCT room) FROM room_events WHERE room LIKE 'chatapp-warmup-%' AND kind = 'join'"));
    }

    [Fact]
    public void The_warm_ups_sockets_take_seats_apart_from_the_address_they_come_from()
    {
        var seats = new SocketSeats(Options.Create(new LimitOptions { SocketsPerAddress = 1, SocketsInTotal = 3 }));

        using var local = seats.TryTake(IPAddress.Loopback, out _);
        using var own = seats.TryTake(SocketSeats.Warmup, out var ownRefusal);
        using var secondOwn = seats.TryTake(SocketSeats.Warmup, out var secondRefusal);

        Assert.NotNull(local);
        Assert.NotNull(own);
        Assert.Equal(SocketSeats.Refusal.None, ownRefusal);
        Assert.Null(secondOwn); // among themselves, the warm-up's sockets keep the per-address limit
        Assert.Equal(SocketSeats.Refusal.Address, secondRefusal);
        Assert.Equal(2, seats.Total);
    }

    private static Task<WarmupResult> WarmedAsync(ChatSystem system) =>
        system.GatewayServices.GetRequiredService<SocketWarmup>().Done.WaitAsync(TimeSpan.FromSeconds(60));
}
