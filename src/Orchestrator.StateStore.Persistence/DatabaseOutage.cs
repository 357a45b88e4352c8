using Npgsql;

namespace Orchestrator.StateStore.Persistence;

/// <summary>
/// The database gone for a while (restarted, failed over, the network to it cut): the failures Npgsql calls
/// transient, however EF Core wraps them.
/// </summary>
public static class DatabaseOutage
{
    public static bool IsCause(Exception error)
    {
        for (var current = error; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true })
                return true;
        }
        return false;
    }
}
