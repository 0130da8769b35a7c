using ChatApp.Rooms;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>What a reaction may be: one emoji (one grapheme of pictographs and their marks), at most 32 bytes.</summary>
public sealed class EmojiRuleTests
{
    [Theory]
    [InlineData("👍")]
    [InlineData("❤️")] // a symbol with its emoji presentation selector
    [InlineData("👍🏽")] // a skin tone
    [InlineData("🇺🇸")] // a flag: two regional indicators
    [InlineData("👨‍👩‍👧‍👦")] // a family joined by zero-width joiners
    [InlineData("🏴󠁧󠁢󠁳󠁣󠁴󠁿")] // a subdivision flag, written with tags
    [InlineData("1️⃣")] // a keycap
    [InlineData("🫠")] // a newer emoji
    public void One_emoji_is_a_reaction(string emoji) => Assert.True(ReactionRules.IsOneEmoji(emoji));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ok")]
    [InlineData(":)")]
    [InlineData("👍👍")] // two emoji
    [InlineData("👍a")]
    [InlineData("é")]
    [InlineData("\u0301")] // a lone combining mark
    [InlineData("🇺")] // half a flag
    [InlineData("x\u20E3")] // a keycap of a letter
    [InlineData("👍\u0000")]
    [InlineData("👨‍👩‍👧‍👦‍👦‍👦")] // one grapheme, but 39 bytes
    public void Anything_else_is_not(string text) => Assert.False(ReactionRules.IsOneEmoji(text));

    [Fact]
    public void A_lone_surrogate_is_not_an_emoji() => Assert.False(ReactionRules.IsOneEmoji("\uD83D"));
}
