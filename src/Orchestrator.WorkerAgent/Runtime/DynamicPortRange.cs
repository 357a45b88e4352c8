namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>How a dynamic host port is chosen from the node's range.</summary>
public static class DynamicPortRange
{
    /// <summary>
    /// A port in [<paramref name="min"/>, <paramref name="max"/>] that is not taken, or null when every one is. The
    /// search starts at a random port and wraps, so agents that share an engine rarely reach for the same one at once.
    /// </summary>
    public static int? PickFree(int min, int max, Func<int, bool> isTaken, Random random)
    {
        var size = max - min + 1;
        if (size <= 0)
            return null;
        var start = random.Next(size);
        for (var step = 0; step < size; step++)
        {
            var port = min + (start + step) % size;
            if (!isTaken(port))
                return port;
        }
        return null;
    }
}
