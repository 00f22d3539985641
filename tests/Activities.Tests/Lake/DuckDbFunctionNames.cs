using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.Tests.Lake;

/// <summary>The names of the functions this DuckDB lists in <c>duckdb_functions()</c>, so the tests attack what the next version brings too.</summary>
internal static class DuckDbFunctionNames
{
    public static List<string> Where(string condition)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT DISTINCT function_name FROM duckdb_functions() WHERE {condition} ORDER BY 1";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
            names.Add(reader.GetString(0));
        return names;
    }
}
