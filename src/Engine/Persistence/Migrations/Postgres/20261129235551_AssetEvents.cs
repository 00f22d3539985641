using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BitsoWorkflows.Engine.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AssetEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "asset_consumptions",
                columns: table => new
                {
                    WorkflowId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    EventId = table.Column<long>(type: "bigint", nullable: false),
                    Asset = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RunId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ConsumedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_consumptions", x => new { x.WorkflowId, x.EventId });
                });

            migrationBuilder.CreateTable(
                name: "asset_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Asset = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    WorkflowId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RunId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ActivityId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    IntervalStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    IntervalEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_events", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_asset_consumptions_ConsumedAt",
                table: "asset_consumptions",
                column: "ConsumedAt");

            migrationBuilder.CreateIndex(
                name: "IX_asset_consumptions_RunId",
                table: "asset_consumptions",
                column: "RunId");

            migrationBuilder.CreateIndex(
                name: "IX_asset_events_Asset_Id",
                table: "asset_events",
                columns: new[] { "Asset", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_asset_events_CreatedAt",
                table: "asset_events",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_asset_events_RunId",
                table: "asset_events",
                column: "RunId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "asset_consumptions");

            migrationBuilder.DropTable(
                name: "asset_events");
        }
    }
}
