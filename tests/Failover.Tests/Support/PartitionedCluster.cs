namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// A <see cref="FailoverCluster"/> spread over the hosts of a <see cref="NetworkLab"/>: silo i runs on
/// host <c>silo{i}</c>, gateway process g on host <c>gateway{g}</c>, and a PostgreSQL of its own
/// listens on the lab's bridge, reachable from every host until a test cuts one off. The cluster's
/// in-process gateway (registration, and asking the silos where a room lives) stays on this machine,
/// outside every cut; the chatters use the gateway processes, over the bridge.
/// </summary>
public sealed class PartitionedCluster : IAsyncDisposable
{
    private PartitionedCluster(NetworkLab network, ThrowawayPostgres database)
    {
        Network = network;
        Database = database;
    }

    public NetworkLab Network { get; }
    public ThrowawayPostgres Database { get; }
    public FailoverCluster Cluster { get; private set; } = null!;
    public List<ChatProcess> Gateways { get; } = [];

    public static async Task<PartitionedCluster> StartAsync(int silos, int gateways)
    {
        var names = Enumerable.Range(0, silos).Select(i => $"silo{i}").Concat(Enumerable.Range(0, gateways).Select(g => $"gateway{g}")).ToArray();
        var network = await NetworkLab.UpAsync(names);
        ThrowawayPostgres? database = null;
        PartitionedCluster? lab = null;
        try
        {
            database = await ThrowawayPostgres.StartAsync(network.HostAddress, network.Network);
            lab = new PartitionedCluster(network, database);
            lab.Cluster = await FailoverCluster.StartAsync(silos, database.ConnectionString,
                siloHosts: [.. Enumerable.Range(0, silos).Select(i => network.Host($"silo{i}"))]);
            foreach (var g in Enumerable.Range(0, gateways))
            {
                lab.Gateways.Add(await lab.Cluster.StartGatewayProcessAsync(network.Host($"gateway{g}")));
            }
            return lab;
        }
        catch
        {
            // Each part is let go once: the lab owns the database and the network once made (a
            // second removal of the database's folder used to throw and hide why the start failed).
            if (lab is not null)
            {
                await lab.DisposeAsync();
            }
            else
            {
                if (database is not null)
                {
                    await database.DisposeAsync();
                }
                await network.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>The lab's names of every silo but <paramref name="silo"/>.</summary>
    public string[] SilosOtherThan(ChatProcess silo) =>
        [.. Cluster.Silos.Where(s => s != silo).Select(s => s.Host.Name).Distinct()];

    /// <summary>The lab's names of every silo.</summary>
    public string[] SiloNames => [.. Cluster.Silos.Select(s => s.Host.Name).Distinct()];

    /// <summary>Registers <paramref name="count"/> users and has each join the room through its own ring of the gateway processes, starting at the first.</summary>
    public async Task<List<Chatter>> JoinAsync(string room, int count)
    {
        var chatters = new List<Chatter>();
        for (var i = 0; i < count; i++)
        {
            var (name, token) = await Cluster.RegisterAsync("chatter");
            chatters.Add(await Chatter.JoinAsync(new GatewayRing([.. Gateways.Select(g => g.SocketUri)]), name, token, room));
        }
        return chatters;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Cluster is not null)
            {
                await Cluster.DisposeAsync(); // its gateway processes too
            }
            await Database.DisposeAsync();
        }
        finally
        {
            // Whatever failed above, the namespaces (and any process left in them) go.
            await Network.DisposeAsync();
        }
    }
}
