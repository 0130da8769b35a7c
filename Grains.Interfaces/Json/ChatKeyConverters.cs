using System.Text.Json;
using System.Text.Json.Serialization;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Json;

/// <summary>
/// A user name is a JSON string on the wire, as the contract has it; one read from JSON is checked
/// like any other (a bad one fails the read).
/// </summary>
public sealed class UserNameJsonConverter : JsonConverter<UserName>
{
    public override UserName Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        UserName.TryParse(reader.GetString(), out var name) ? name : throw new JsonException(UserName.Rule);

    public override void Write(Utf8JsonWriter writer, UserName value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}

/// <summary>A room id is a JSON string on the wire; one read from JSON is checked like any other.</summary>
public sealed class RoomIdJsonConverter : JsonConverter<RoomId>
{
    public override RoomId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RoomId.TryParse(reader.GetString(), out var id) ? id : throw new JsonException(RoomId.Rule);

    public override void Write(Utf8JsonWriter writer, RoomId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
