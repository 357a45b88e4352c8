using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class NodeHostVolumes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Nodes registered before this column offer no host volume until their next heartbeat says otherwise.
            migrationBuilder.AddColumn<string>(
                name: "HostVolumes",
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
                name: "HostVolumes",
                schema: "orchestrator",
                table: "nodes");
        }
    }
}
