namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>The end of a container's output that an agent reported with an exit; <paramref name="Cut"/>: earlier output was left out.</summary>
public sealed record ExitOutput(string Text, bool Cut)
{
    /// <summary>
    /// The text as Postgres can keep it: a text column refuses NUL, which a container may well write, and an exit must
    /// not go unrecorded for it.
    /// </summary>
    public string StorableText => Text.Replace('\0', '\uFFFD');

    /// <summary>What a report carries, or null when it carries none.</summary>
    public static ExitOutput? Of(string? text, bool cut) => text is null ? null : new ExitOutput(text, cut);
}
