using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class NodeDatacenter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Datacenter",
                schema: "orchestrator",
                table: "nodes",
                type: "character varying(63)",
                maxLength: 63,
                nullable: false,
                // Nodes registered before agents reported a datacenter are in the default one, as an older agent's are.
                defaultValue: "dc1");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Datacenter",
                schema: "orchestrator",
                table: "nodes");
        }
    }
}
