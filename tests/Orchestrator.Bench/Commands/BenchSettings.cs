using System.ComponentModel;
using Spectre.Console.Cli;

namespace Orchestrator.Bench.Commands;

/// <summary>What every bench command shares.</summary>
public class BenchSettings : CommandSettings
{
    [CommandOption("--trace")]
    [Description("Print where the time of a typical submission goes, from the services' spans")]
    public bool Trace { get; init; }
}
