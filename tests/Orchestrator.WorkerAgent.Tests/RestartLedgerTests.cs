using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.WorkerAgent.Tests;

/// <summary>The agent's record of its containers' restarts, on a real directory; no cluster.</summary>
public sealed class RestartLedgerTests : IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("restart-ledger-").FullName;

    public void Dispose() => Directory.Delete(_dataPath, recursive: true);

    [Fact]
    public void A_new_agent_reads_back_the_counts_of_the_containers_still_under_supervision()
    {
        var before = RestartLedger.In(_dataPath);
        before.Record("aaa111", 0);
        before.Record("bbb222", 2);
        before.Record("ccc333", 1);
        before.Forget("ccc333");

        var after = RestartLedger.In(_dataPath);

        Assert.Equal(2, after.CountOf("bbb222"));
        Assert.True(after.Holds("aaa111"));
        Assert.Equal(0, after.CountOf("aaa111"));
        Assert.False(after.Holds("ccc333"));
    }

    [Fact]
    public void Containers_that_no_longer_exist_are_forgotten_on_disk_too()
    {
        var ledger = RestartLedger.In(_dataPath);
        ledger.Record("aaa111", 1);
        ledger.Record("bbb222", 1);

        ledger.ForgetAllBut(id => id == "bbb222");

        Assert.False(RestartLedger.In(_dataPath).Holds("aaa111"));
        Assert.True(RestartLedger.In(_dataPath).Holds("bbb222"));
    }

    [Fact]
    public void Files_it_did_not_write_are_ignored_and_an_id_is_never_a_path()
    {
        var directory = Path.Combine(_dataPath, "restarts");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "notes.txt"), "3");
        File.WriteAllText(Path.Combine(directory, "ddd444"), "not a number");

        var ledger = RestartLedger.In(_dataPath);

        Assert.False(ledger.Holds("notes.txt"));
        Assert.False(ledger.Holds("ddd444"));
        Assert.Throws<ArgumentException>(() => ledger.Record("../node-id", 1));
    }
}
