namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// A lease one StateStore instance holds until <see cref="ExpiresAt"/> (the database's clock), renewing it while it
/// lives: who runs the work that must run once (StateStore's <c>LeaseKeeper</c>).
/// </summary>
public sealed class LeaseRecord
{
    public const int MaxNameLength = 100;
    public const int MaxHolderLength = 200;

    public required string Name { get; init; }
    public required string Holder { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}
