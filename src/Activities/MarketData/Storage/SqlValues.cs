using System.Data;
using System.Data.Common;
using System.Globalization;

namespace BitsoWorkflows.Activities.MarketData.Storage;

/// <summary>
/// Commands and conversions shared by the market stores on either provider: exact decimal text, Unix seconds, and
/// parameters with their types set (PostgreSQL cannot infer the type of a null parameter). Parameters are written
/// <c>@name</c> in SQL, which SQLite and PostgreSQL both accept.
/// </summary>
internal static class SqlValues
{
    public static string? Decimal(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static decimal? Decimal(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : decimal.Parse(reader.GetString(ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static long Seconds(DateTimeOffset instant) => instant.ToUnixTimeSeconds();

    public static DateTimeOffset FromSeconds(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    public static DateTimeOffset? FromSeconds(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(ordinal));

    public static long? Int64OrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static string? StringOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    // Reading a column by its name (the queries name every column they read; none is read by position).
    public static long Int64(this DbDataReader r, string column) => r.GetInt64(r.GetOrdinal(column));

    public static long? Int64OrNull(this DbDataReader r, string column) => Int64OrNull(r, r.GetOrdinal(column));

    public static int Int32(this DbDataReader r, string column) => r.GetInt32(r.GetOrdinal(column));

    public static string Text(this DbDataReader r, string column) => r.GetString(r.GetOrdinal(column));

    public static string? TextOrNull(this DbDataReader r, string column) => StringOrNull(r, r.GetOrdinal(column));

    public static decimal? DecimalOrNull(this DbDataReader r, string column) => Decimal(r, r.GetOrdinal(column));

    public static decimal DecimalValue(this DbDataReader r, string column) =>
        DecimalOrNull(r, column) ?? throw new InvalidDataException($"Column {column} is NULL where a number is required.");

    public static DateTimeOffset Instant(this DbDataReader r, string column) => FromSeconds(r.Int64(column));

    public static DateTimeOffset? InstantOrNull(this DbDataReader r, string column) => FromSeconds(r, r.GetOrdinal(column));

    /// <summary>A threshold's key text without trailing zeros, so 0.50 and 0.5 are the same rule.</summary>
    public static string Threshold(decimal threshold) => (threshold / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>A text parameter; null is a typed NULL.</summary>
    public static DbCommand Text(this DbCommand command, string name, string? value) => command.With(name, value, DbType.String);

    /// <summary>A 64-bit integer parameter; null is a typed NULL.</summary>
    public static DbCommand Int64(this DbCommand command, string name, long? value) => command.With(name, value, DbType.Int64);

    public static DbCommand Int32(this DbCommand command, string name, int value) => command.With(name, value, DbType.Int32);

    public static DbCommand Double(this DbCommand command, string name, double value) => command.With(name, value, DbType.Double);

    /// <summary>A decimal as its exact invariant text (the stores keep prices as text, never as binary floating point).</summary>
    public static DbCommand DecimalText(this DbCommand command, string name, decimal? value) => command.With(name, Decimal(value), DbType.String);

    private static DbCommand With(this DbCommand command, string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
