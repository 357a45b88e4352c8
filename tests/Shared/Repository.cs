namespace Orchestrator.Tests.Shared;

/// <summary>The checkout the tests were built from, for the files beside the code (scripts, docs).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string ReadFile(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orchestrator.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No Orchestrator.sln above {AppContext.BaseDirectory}");
    }
}
