using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BitsoWorkflows.Activities.MarketData.Storage;

/// <summary>Conversions between domain values and their SQLite column forms (exact decimal text, Unix seconds).</summary>
internal static class SqlValues
{
    public static object Decimal(decimal? value) => value is null ? DBNull.Value : value.Value.ToString(CultureInfo.InvariantCulture);

    public static decimal? Decimal(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : decimal.Parse(reader.GetString(ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static long Seconds(DateTimeOffset instant) => instant.ToUnixTimeSeconds();

    public static DateTimeOffset FromSeconds(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    public static DateTimeOffset? FromSeconds(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(ordinal));

    public static object Nullable<T>(T? value) where T : struct => value is null ? DBNull.Value : value.Value;

    public static object Nullable(string? value) => value is null ? DBNull.Value : value;

    /// <summary>A threshold's key text without trailing zeros, so 0.50 and 0.5 are the same rule.</summary>
    public static string Threshold(decimal threshold) => (threshold / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
