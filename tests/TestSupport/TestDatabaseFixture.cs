using Xunit;

namespace ChatApp.Tests.Support;

/// <summary>
/// xunit class fixture owning one <see cref="TestDatabase"/>: <c>IClassFixture&lt;TestDatabaseFixture&gt;</c>
/// gives every test class its own migrated database.
/// </summary>
public sealed class TestDatabaseFixture : IAsyncLifetime
{
    private TestDatabase? database;

    public TestDatabase Database =>
        database ?? throw new InvalidOperationException("The fixture has not been initialized.");

    public string ConnectionString => Database.ConnectionString;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
