using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class NodeUnknownContainers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Nodes registered before this column have listed no unknown container yet.
            migrationBuilder.AddColumn<string>(
                name: "UnknownContainers",
                schema: "orchestrator",
                table: "nodes",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "UnknownContainers",
                schema: "orchestrator",
                table: "nodes");
        }
    }
}
