using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BitsoWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AssetEventKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_asset_events_RunId",
                table: "asset_events");

            migrationBuilder.AddColumn<string>(
                name: "ReusedFrom",
                table: "activity_records",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            // A mapped producer resumed after a restart could record its events twice before this key; keep the first.
            migrationBuilder.Sql("DELETE FROM asset_events WHERE Id NOT IN (SELECT MIN(Id) FROM asset_events GROUP BY RunId, ActivityId, Asset)");

            migrationBuilder.CreateIndex(
                name: "IX_asset_events_RunId_ActivityId_Asset",
                table: "asset_events",
                columns: new[] { "RunId", "ActivityId", "Asset" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_asset_consumptions_EventId",
                table: "asset_consumptions",
                column: "EventId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_asset_events_RunId_ActivityId_Asset",
                table: "asset_events");

            migrationBuilder.DropIndex(
                name: "IX_asset_consumptions_EventId",
                table: "asset_consumptions");

            migrationBuilder.DropColumn(
                name: "ReusedFrom",
                table: "activity_records");

            migrationBuilder.CreateIndex(
                name: "IX_asset_events_RunId",
                table: "asset_events",
                column: "RunId");
        }
    }
}
