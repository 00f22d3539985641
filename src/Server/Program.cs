return await BitsoWorkflows.Server.Cli.CommandLine.RunAsync(args);
