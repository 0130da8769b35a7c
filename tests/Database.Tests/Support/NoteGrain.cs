namespace ChatApp.Tests.Database.Support;

/// <summary>A grain whose only job is to keep a note in the "store" grain storage.</summary>
[Alias("ChatApp.Tests.Database.INoteGrain")]
public interface INoteGrain : IGrainWithStringKey
{
    Task WriteAsync(string text);

    Task<string?> ReadAsync();

    Task ClearAsync();
}

[GenerateSerializer, Alias("ChatApp.Tests.Database.Note")]
public sealed class Note
{
    [Id(0)]
    public string? Text { get; set; }
}

public sealed class NoteGrain([PersistentState("note", TestSilo.StorageName)] IPersistentState<Note> note)
    : Grain, INoteGrain
{
    public Task WriteAsync(string text)
    {
        note.State.Text = text;
        return note.WriteStateAsync();
    }

    // Always from the database, never from memory: that is what these tests are about.
    public async Task<string?> ReadAsync()
    {
        await note.ReadStateAsync();
        return note.State.Text;
    }

    public Task ClearAsync() => note.ClearStateAsync();
}
