using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class NodeAddress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Address",
                schema: "orchestrator",
                table: "nodes",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Address",
                schema: "orchestrator",
                table: "nodes");
        }
    }
}
