using BenchmarkDotNet.Running;

// Run in Release: dotnet run -c Release --project tests/Orchestrator.Scheduler.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
