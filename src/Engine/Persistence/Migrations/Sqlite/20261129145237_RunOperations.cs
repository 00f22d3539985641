using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BitsoWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RunOperations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "deadline_misses",
                columns: table => new
                {
                    WorkflowId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    IntervalStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IntervalEnd = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RaisedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RunId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    RunStatus = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deadline_misses", x => new { x.WorkflowId, x.IntervalStart });
                });

            migrationBuilder.CreateTable(
                name: "run_operations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ActivityId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Text = table.Column<string>(type: "TEXT", nullable: true),
                    NewRunId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_run_operations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_deadline_misses_RaisedAt",
                table: "deadline_misses",
                column: "RaisedAt");

            migrationBuilder.CreateIndex(
                name: "IX_run_operations_RunId_Id",
                table: "run_operations",
                columns: new[] { "RunId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "deadline_misses");

            migrationBuilder.DropTable(
                name: "run_operations");
        }
    }
}
