using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Server.Cli.Commands;
using BitsoWorkflows.Server.Hosting;

namespace BitsoWorkflows.Server.Cli;

/// <summary>
/// <c>dotnet run --project src/Server -- [verb] [options]</c>; no verb means <c>serve</c>.
/// Exit codes: 0 success, 1 the work failed, 2 usage or validation error (one line on stderr).
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        usage: bitsoworkflows [verb] [options]      (no verb = serve)

        global options: --data-dir <path> (default ./data)  --workflows-dir <path> (default ./workflows)
                        --demo (simulated market data, generated master-data snapshots: runs offline)
                        --source-dir <path> (snapshot CSVs for the daily master-data load instead of the public URLs)
                        --Section:Key <value> sets any configuration key (e.g. --Store:Provider postgres)
        verbs:
          serve [--urls <url>]                       run the engine, scheduler, REST API and Studio
          workflows list [--format table|json]       workflows with trigger, next fire, last run
          workflows validate <file>                  print every error of a definition file (exit 2 if any)
          workflows history <id> [--format ...]      the version history
          workflows export <id> [--version N]        a version as JSON
          workflows publish <file> [--draft] [--comment text]   a new version (or a draft) from a file
          workflows pause <id> | resume <id> [--catchup]
                                                     stop / restart scheduling (persisted); --catchup also runs
                                                     the intervals missed while paused
          trigger <id> [--param name=value ...] [--logical-time <ISO-8601 UTC>] [--format ...]
                                                     run once, wait and print the run (exit 1 if it failed)
          runs list [--workflow <id>] [--status <s>] [--trigger <kind>] [--limit N] [--format ...]
                                                     kind: schedule, manual, backfill, catchup, asset
          runs show <run-id> [--format table|json]
          runs history <run-id> [--format table|json]   notes, marks, clears and notifications of a run
          runs note <run-id> "<markdown>"            leave a note on a run
          runs mark <run-id> succeeded|failed --reason "<why>" [--activity <id>]
                                                     set a finished run's (or one activity's) outcome by hand
          runs clear <run-id> --activity <id> [--downstream] [--detach]
                                                     run the activity (and everything after it) again in a new run
                                                     that reuses the other outputs; waits and prints it
          backfill <id> --from <time> --to <time> [--max-parallel N] [--param name=value ...] [--detach]
                                                     one run per interval starting in [from, to); exit 1 if any failed
          backfills list [--workflow <id>] [--limit N] [--format ...] | show <id> | cancel <id>
          alerts list [--book <book>] [--open] [--since <time>] [--limit N] [--format ...]
          spreads tail [--book <book>] [--limit N] [--format ...]
          market import-sqlite [--file <market.db>]  copy an embedded deployment's market file (default the data dir's)
                                                     into the PostgreSQL store: staging, alerts, alert state (nodes stopped)
          query "<sql>" [--format table|csv|json]   read-only SQL over the lake (view spreads) and the warehouse
          lake list [--book <book>] [--date yyyy-MM-dd] [--format ...]   partitions and files with completeness
          answer <question> [--date D] [--user U] [--from D1 --to D2] [--currency C] [--include-failed] [--format table|json]
                                                     the business questions over the warehouse; answer --list names them
          apikeys create <name> [--role viewer|operator|admin] | list | revoke <name>
                                                     API keys for automation (header X-Api-Key); role Admin unless given
          users hash-password                        reads a password on stdin, prints the hash for Auth:Users configuration
          assets list [--format table|json]          assets: what produces each, the workflows it triggers, its latest event
          nodes list [--format table|json]           server nodes: started, last seen alive, runs running or queued
          nodes forget <name>                        drop a node that left for good from the list (unseen, runs ended)
          audit list [--since T] [--user U] [--limit N] [--format table|json]
                                                     who did what, when and from where (sign-ins, publish, pause, runs, keys)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var cli = CliArguments.Parse(args);
            if (cli.Flag("help") || cli.Positional(0) is "help")
            {
                Console.WriteLine(Usage);
                return 0;
            }
            var global = new GlobalOptions(
                // Resolved now: relative paths speak of the directory the command was started in.
                Path.GetFullPath(cli.Option("data-dir") ?? GlobalOptions.DefaultDataDir),
                Path.GetFullPath(cli.Option("workflows-dir") ?? GlobalOptions.DefaultWorkflowsDir),
                cli.Flag("demo"),
                cli.Option("urls") ?? GlobalOptions.DefaultUrls)
            {
                Settings = cli.ConfigurationSettings(),
                SourceDir = cli.Option("source-dir") is { } sourceDir ? Path.GetFullPath(sourceDir) : null,
            };
            var verb = cli.Positional(0) ?? "serve";
            return verb switch
            {
                "serve" => await ServeCommand.RunAsync(cli, global),
                "workflows" => await WorkflowCommands.RunAsync(cli, global),
                "trigger" => await RunCommands.TriggerAsync(cli, global),
                "runs" => await RunCommands.RunsAsync(cli, global),
                "backfill" => await BackfillCommands.BackfillAsync(cli, global),
                "backfills" => await BackfillCommands.BackfillsAsync(cli, global),
                "alerts" => await MarketCommands.AlertsAsync(cli, global),
                "spreads" => await MarketCommands.SpreadsAsync(cli, global),
                "market" => await MarketCommands.MarketAsync(cli, global),
                "query" => await LakeCommands.QueryAsync(cli, global),
                "lake" => await LakeCommands.LakeAsync(cli, global),
                "answer" => await AnswerCommands.AnswerAsync(cli, global),
                "apikeys" => await AccessCommands.ApiKeysAsync(cli, global),
                "users" => await AccessCommands.UsersAsync(cli),
                "audit" => await AuditCommands.AuditAsync(cli, global),
                "assets" => await AssetCommands.AssetsAsync(cli, global),
                "nodes" => await NodeCommands.NodesAsync(cli, global),
                _ => throw new CliUsageException($"unknown verb '{verb}'; run with --help for the list"),
            };
        }
        catch (CliUsageException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
        catch (RunRefusedException ex)
        {
            // The CLI's one mapping of what the engine refuses (bad input, unknown, or not in this state): a usage error.
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
        catch (CliFailureException ex)
        {
            Console.Error.WriteLine($"failed: {ex.Message}");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"failed: the server of this data dir stopped answering: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unexpected: one line for people, the whole story for bug reports.
            Console.Error.WriteLine($"failed: {ex.GetType().Name}: {ex.Message}");
            if (Environment.GetEnvironmentVariable("BW_DEBUG") is "1") Console.Error.WriteLine(ex);
            return 1;
        }
    }
}
