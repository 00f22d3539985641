using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BitsoWorkflows.Engine.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SecretParams : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProtectedParams",
                table: "runs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedParams",
                table: "backfills",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ProtectedParams",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "ProtectedParams",
                table: "backfills");
        }
    }
}
