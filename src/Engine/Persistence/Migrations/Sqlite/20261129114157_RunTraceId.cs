using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BitsoWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RunTraceId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TraceId",
                table: "runs",
                type: "TEXT",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TraceId",
                table: "runs");
        }
    }
}
