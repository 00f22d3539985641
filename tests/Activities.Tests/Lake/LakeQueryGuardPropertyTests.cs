using BitsoWorkflows.Activities.Lake;
using CsCheck;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.Tests.Lake;

/// <summary>
/// Generated statements against the guard: random nesting, random function names from <c>duckdb_functions()</c> (and
/// made-up ones), random quoting, case and comments, random relations (the view, table functions, file paths, CTEs).
/// Whatever comes, the guard answers or refuses with its own exception, and what it accepts calls only allowed functions
/// and reads only the view and the query's CTEs.
/// </summary>
public sealed class LakeQueryGuardPropertyTests : IDisposable
{
    private static readonly string[] Names = [.. DuckDbFunctionNames.Where("function_name NOT LIKE '%\"%'")];
    private static readonly string[] TableNames = [.. DuckDbFunctionNames.Where("function_type IN ('table', 'table_macro') AND function_name NOT LIKE '%\"%'")];

    private readonly DuckDBConnection _connection = LockedDown();
    private readonly LakeQueryScope _scope;

    public LakeQueryGuardPropertyTests()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views() WHERE internal";
        using var reader = command.ExecuteReader();
        var system = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
            system.Add(reader.GetString(0));
        _scope = new LakeQueryScope(new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "spreads" }, system);
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Check_GeneratedStatements_RefusesWithItsOwnErrorOrAcceptsOnlyAllowedFunctionsAndRelations()
    {
        var guard = new LakeQueryGuard();

        Statement.Sample(statement =>
        {
            try
            {
                guard.Check(_connection, statement.Text, _scope);
            }
            catch (LakeQueryException e) when (e.Failure is LakeQueryFailure.Refused or LakeQueryFailure.Invalid or LakeQueryFailure.TooLarge)
            {
                return;
            }
            var forbidden = statement.Calls.Where(c => !c.Allowed).ToList();
            Assert.True(forbidden.Count == 0, $"accepted a call of {string.Join(", ", forbidden.Select(c => c.Name))}");
            Assert.True(statement.ReadsOnlyAllowedRelations, "accepted a relation other than the view or a CTE");
        }, iter: 300, threads: 1, print: s => s.Text);
    }

    /// <summary>A piece of SQL with the calls it makes (outside literals and comments) and whether all it reads is allowed.</summary>
    private sealed record Piece(string Text, IReadOnlyList<Call> Calls, bool ReadsOnlyAllowedRelations = true)
    {
        public static Piece Of(string text) => new(text, []);

        public static Piece Join(string separator, params Piece[] pieces) =>
            new(string.Join(separator, pieces.Select(p => p.Text)), pieces.SelectMany(p => p.Calls).ToList(), pieces.All(p => p.ReadsOnlyAllowedRelations));

        public Piece Wrap(string before, string after) => this with { Text = before + Text + after };
    }

    private sealed record Call(string Name, bool Allowed);

    private static readonly Gen<Piece> Statement = Gen.Int[0, 3].SelectMany(ctes => Select(3, ctes).SelectMany(select =>
        Gen.Int[0, 9].SelectMany(extra => extra == 0
            ? Select(2, 0).Select(second => Piece.Join("; ", select, second))
            : Gen.Const(select))));

    private static Gen<Piece> Select(int depth, int ctes) =>
        Gen.Select(Expression(depth).List[1, 3], Relation(depth, ctes), Expression(depth), Gen.Bool, Comment, (columns, from, where, filtered, comment) =>
        {
            var body = Piece.Join(" ", Piece.Of("SELECT"), Piece.Join(", ", [.. columns]), Piece.Of(comment), Piece.Of("FROM"), from);
            body = filtered ? Piece.Join(" WHERE ", body, where) : body;
            if (ctes == 0)
                return body;
            var definitions = Enumerable.Range(0, ctes).Select(i => Piece.Of($"c{i} AS (SELECT 1 AS x)")).ToArray();
            return Piece.Join(" ", Piece.Of("WITH " + string.Join(", ", definitions.Select(d => d.Text))), body);
        });

    private static Gen<Piece> Relation(int depth, int ctes) => Gen.Int[0, 5].SelectMany(kind => kind switch
    {
        0 => Gen.Const(Piece.Of("spreads")),
        1 => Gen.Int[0, TableNames.Length - 1].SelectMany(i => Expression(0).List[0, 2].Select(args =>
        {
            var name = TableNames[i];
            return new Piece($"\"{name}\"({string.Join(", ", args.Select(a => a.Text))})",
                [new Call(name, SqlFunctionAllowList.TableFunctions.Contains(name)), .. args.SelectMany(a => a.Calls)]);
        })),
        2 => Gen.OneOf("'/etc/passwd.csv'", "'lake/../x.parquet'", "'lake\\..\\x.csv'", "'~/x.csv'", "'file:///etc/hosts.csv'", "duckdb_logs", "main.duckdb_settings", "information_schema.tables")
            .Select(p => new Piece(p, [], ReadsOnlyAllowedRelations: false)),
        3 when depth > 0 => Select(depth - 1, 0).Select(inner => inner.Wrap("(", ") AS sub")),
        4 when ctes > 0 => Gen.Int[0, ctes - 1].Select(i => Piece.Of($"c{i}")),
        _ => Gen.Const(Piece.Of("spreads")),
    });

    private static Gen<Piece> Expression(int depth) => Gen.Int[0, depth == 0 ? 1 : 9].SelectMany(kind => kind switch
    {
        0 => Literal,
        1 => Gen.OneOf("book", "spread_pct", "\"ts\"", "x", "*").Select(Piece.Of),
        2 or 3 => FunctionCall(depth),
        4 => Gen.Select(Expression(depth - 1), Expression(depth - 1), Gen.OneOf("+", "-", "*", "||", "=", "AND", "LIKE", "->>"), (a, b, op) => Piece.Join($" {op} ", a, b)),
        5 => Gen.Select(Expression(depth - 1), Expression(depth - 1), Expression(depth - 1), (a, b, c) => Piece.Join(" ", Piece.Of("CASE WHEN"), a, Piece.Of("THEN"), b, Piece.Of("ELSE"), c, Piece.Of("END"))),
        6 => Gen.Select(Expression(depth - 1), Gen.OneOf("INTEGER", "VARCHAR", "DECIMAL(10, 2)", "DATE"), (e, type) => e.Wrap("CAST(", $" AS {type})")),
        7 => Select(depth - 1, 0).Select(inner => inner.Wrap("(", ")")),
        8 => Gen.Select(Expression(depth - 1), Gen.Int[1, 60], (e, n) => e.Wrap(new string('(', n), new string(')', n))),
        _ => Gen.Select(Expression(depth - 1), Comment, (e, c) => e.Wrap(c + " ", " " + c)),
    });

    /// <summary>A call of a function DuckDB has (or a made-up name), spelled quoted or bare, in any case, sometimes qualified.</summary>
    private static Gen<Piece> FunctionCall(int depth) =>
        Gen.Select(Gen.Int[0, Names.Length + 20], Gen.Int[0, 4], Expression(depth - 1).List[0, 3], Gen.Bool, (i, spelling, args, window) =>
        {
            var name = i < Names.Length ? Names[i] : "made_up_" + i;
            var shown = spelling switch
            {
                0 => $"\"{name}\"",
                1 => $"\"{Mixed(name)}\"",
                2 => $"main.\"{name}\"",
                3 => $"pg_catalog.\"{name}\"",
                _ => $"system.main.\"{name}\"",
            };
            var allowed = SqlFunctionAllowList.AllowsFunction(name) && spelling != 3;
            var call = new Piece($"{shown}({string.Join(", ", args.Select(a => a.Text))}){(window ? " OVER (ORDER BY 1)" : "")}", [new Call(name, allowed)]);
            return Piece.Join("", [call, .. args.Select(a => a with { Text = "" })]);
        });

    private static readonly Gen<Piece> Literal = Gen.Int[0, 4].SelectMany(kind => kind switch
    {
        0 => Gen.Int.Select(n => Piece.Of(n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        1 => Gen.String.Select(s => Piece.Of("'" + s.Replace("'", "''", StringComparison.Ordinal) + "'")),
        2 => Gen.OneOf("'read_csv(''/etc/passwd'')'", "'getenv(''HOME'')'", "$$ select * from duckdb_logs $$", "E'\\x41'", "'--'", "'/*'").Select(Piece.Of),
        3 => Gen.OneOf("NULL", "true", "DATE '2026-11-27'", "INTERVAL 1 DAY", "[1, 2]", "{'a': 1}").Select(Piece.Of),
        _ => Gen.Double.Select(d => Piece.Of(double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0")),
    });

    private static readonly Gen<string> Comment = Gen.OneOf("", "/* read_csv('/etc/passwd') */", "-- ; drop view spreads\n", "/**/", "/* ) ( */", "\n\t");

    private static string Mixed(string name) => new([.. name.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c)]);

    private static DuckDBConnection LockedDown()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE VIEW spreads AS SELECT 'btc_mxn' AS book, 0.1 AS spread_pct, now() AS ts; SET enable_external_access = false; SET lock_configuration = true";
        command.ExecuteNonQuery();
        return connection;
    }
}
