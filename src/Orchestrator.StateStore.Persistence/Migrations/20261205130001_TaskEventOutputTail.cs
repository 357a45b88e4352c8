using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class TaskEventOutputTail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OutputTail",
                schema: "orchestrator",
                table: "task_events",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "OutputTailCut",
                schema: "orchestrator",
                table: "task_events",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OutputTail",
                schema: "orchestrator",
                table: "task_events");

            migrationBuilder.DropColumn(
                name: "OutputTailCut",
                schema: "orchestrator",
                table: "task_events");
        }
    }
}
