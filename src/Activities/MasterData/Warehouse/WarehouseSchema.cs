namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// The star schema and the load bookkeeping. No primary keys: uniqueness of natural keys is kept by the loads
/// (merge by source + id), and DuckDB's indexes would only cost memory and slow the bulk loads.
/// </summary>
public static class WarehouseSchema
{
    /// <summary>The model tables, published as Parquet and compared by the repeatability tests.</summary>
    public static readonly IReadOnlyList<string> ModelTables =
        ["dim_user", "dim_currency", "dim_date", "fct_transaction", "fct_login", "fct_user_event", "fct_user_daily"];

    /// <summary>Model tables published as one Parquet file per month of <c>date_key</c>; the others are one file each.</summary>
    public static readonly IReadOnlySet<string> MonthlyTables = new HashSet<string>(StringComparer.Ordinal) { "fct_transaction", "fct_login", "fct_user_event", "fct_user_daily" };

    /// <summary>Bookkeeping tables shown in the catalog next to the model.</summary>
    public static readonly IReadOnlyList<string> LoadTables = ["etl_rejects", "etl_load_history", "etl_source_state"];

    /// <summary>The natural-key order of a table's rows: what makes two tables comparable, and the order of the dimensions' Parquet files.</summary>
    public static string OrderBy(string table) => table switch
    {
        "dim_user" => "user_id",
        "dim_currency" => "currency_code",
        "dim_date" => "date_key",
        "fct_transaction" => "transaction_type, transaction_id",
        "fct_login" => "event_id",
        "fct_user_event" => "event_id",
        "fct_user_daily" => "user_id, date_key",
        "etl_rejects" => "source, raw_line",
        "etl_load_history" => "table_name",
        "etl_source_state" => "source",
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "not a warehouse table"),
    };

    /// <summary>
    /// Brings a warehouse made by an earlier version up to <see cref="Ddl"/>: its <c>etl_source_state</c> named the
    /// checksum column <c>sha256</c> and had no <c>rows_read</c>. The old SHA-256 values never equal an XXH128 checksum,
    /// so each source is read once more by its next run (which changes no fact that has not changed).
    /// </summary>
    internal static async Task MigrateAsync(DuckDB.NET.Data.DuckDBConnection connection, CancellationToken cancellationToken)
    {
        var old = await connection.ScalarAsync<long>("""
            SELECT count(*) FROM duckdb_columns()
            WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'etl_source_state' AND column_name = 'sha256'
            """, cancellationToken);
        if (old > 0)
            await connection.ExecuteAsync("""
                ALTER TABLE etl_source_state RENAME COLUMN sha256 TO checksum;
                ALTER TABLE etl_source_state ADD COLUMN rows_read BIGINT;
                """, cancellationToken);
    }

    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS dim_user (
            user_id VARCHAR NOT NULL,
            in_user_snapshot BOOLEAN NOT NULL,
            first_login_at TIMESTAMP,
            last_login_at TIMESTAMP,
            login_count BIGINT NOT NULL,
            first_deposit_at TIMESTAMP,
            last_deposit_at TIMESTAMP,
            deposit_count BIGINT NOT NULL,
            deposit_attempt_count BIGINT NOT NULL,
            first_withdrawal_at TIMESTAMP,
            last_withdrawal_at TIMESTAMP,
            withdrawal_count BIGINT NOT NULL,
            withdrawal_attempt_count BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS dim_currency (
            currency_code VARCHAR NOT NULL,
            is_fiat BOOLEAN NOT NULL,
            first_seen_date DATE NOT NULL,
            transaction_count BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS dim_date (
            date_key DATE NOT NULL,
            year INTEGER NOT NULL,
            quarter INTEGER NOT NULL,
            month INTEGER NOT NULL,
            day INTEGER NOT NULL,
            iso_day_of_week INTEGER NOT NULL,
            iso_week INTEGER NOT NULL,
            is_weekend BOOLEAN NOT NULL);
        CREATE TABLE IF NOT EXISTS fct_transaction (
            transaction_type VARCHAR NOT NULL,
            transaction_id VARCHAR NOT NULL,
            user_id VARCHAR NOT NULL,
            occurred_at TIMESTAMP NOT NULL,
            date_key DATE NOT NULL,
            status VARCHAR NOT NULL,
            amount DECIMAL(38,18) NOT NULL,
            currency_code VARCHAR NOT NULL,
            interface VARCHAR,
            is_flagged BOOLEAN NOT NULL);
        CREATE TABLE IF NOT EXISTS fct_login (
            event_id VARCHAR NOT NULL,
            user_id VARCHAR NOT NULL,
            occurred_at TIMESTAMP NOT NULL,
            date_key DATE NOT NULL);
        CREATE TABLE IF NOT EXISTS fct_user_event (
            event_id VARCHAR NOT NULL,
            user_id VARCHAR NOT NULL,
            event_name VARCHAR NOT NULL,
            occurred_at TIMESTAMP NOT NULL,
            date_key DATE NOT NULL);
        CREATE TABLE IF NOT EXISTS fct_user_daily (
            user_id VARCHAR NOT NULL,
            date_key DATE NOT NULL,
            deposit_count BIGINT NOT NULL,
            deposit_attempt_count BIGINT NOT NULL,
            withdrawal_count BIGINT NOT NULL,
            withdrawal_attempt_count BIGINT NOT NULL,
            login_count BIGINT NOT NULL,
            cumulative_deposit_count BIGINT NOT NULL,
            cumulative_deposit_attempt_count BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS src_user_snapshot (user_id VARCHAR NOT NULL);
        CREATE TABLE IF NOT EXISTS etl_rejects (
            source VARCHAR NOT NULL,
            line_number BIGINT NOT NULL,
            reason VARCHAR NOT NULL,
            raw_line VARCHAR NOT NULL);
        CREATE TABLE IF NOT EXISTS etl_pending (user_id VARCHAR NOT NULL, date_key DATE);
        CREATE TABLE IF NOT EXISTS etl_publish_pending (table_name VARCHAR NOT NULL, month DATE);
        CREATE TABLE IF NOT EXISTS etl_source_state (
            source VARCHAR NOT NULL,
            checksum VARCHAR NOT NULL,
            covered_from TIMESTAMP,
            covered_to TIMESTAMP NOT NULL,
            loaded_at TIMESTAMP NOT NULL,
            run_id VARCHAR NOT NULL,
            rows_read BIGINT);
        CREATE TABLE IF NOT EXISTS etl_load_history (
            table_name VARCHAR NOT NULL,
            loaded_at TIMESTAMP NOT NULL,
            logical_date DATE NOT NULL,
            run_id VARCHAR NOT NULL,
            rows_changed BIGINT NOT NULL);
        """;
}
