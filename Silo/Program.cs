using ChatApp.Defaults;
using ChatApp.Silo.Database;
using ChatApp.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

// `ChatApp.Silo migrate` applies the database migrations and exits; `ChatApp.Silo admin grant NAME`
// (or revoke NAME, or list) changes who holds the admin role and exits; anything else runs a silo.
if (args is ["migrate", ..])
{
    var config = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args[1..]).Build();
    using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
    DatabaseMigrator.Apply(DatabaseOptions.From(config).CappedConnectionString(), loggers.CreateLogger("Migrations"));
    return 0;
}
if (args is ["admin", .. var adminArgs])
{
    var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
    return await AdminGrants.RunAsync(DatabaseOptions.From(config).CappedConnectionString(), adminArgs, Console.Out, Console.Error);
}

// SIGTERM stops it; a stop that cannot finish (the database unreachable) ends the process anyway.
return await SiloHostBuilder.Build(args).RunWithStopDeadlineAsync();
