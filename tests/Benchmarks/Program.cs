using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/Benchmarks -- --filter '*'` runs every BenchmarkDotNet benchmark;
// `-- <bench-command> ...` runs one of the long-running measurements registered in BenchCommands.
if (args.Length > 0 && BitsoWorkflows.Benchmarks.BenchCommands.TryGet(args[0]) is { } command)
    return await command(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(BitsoWorkflows.Benchmarks.BenchCommands).Assembly).Run(args);
return 0;
