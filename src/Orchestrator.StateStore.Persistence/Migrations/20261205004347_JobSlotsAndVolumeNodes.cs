using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class JobSlotsAndVolumeNodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "NextIndex",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.AddColumn<int>(
                name: "JobSlot",
                schema: "orchestrator",
                table: "tasks",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "VolumeNodeId",
                schema: "orchestrator",
                table: "tasks",
                type: "uuid",
                nullable: true);

            // A job's existing tasks were named after their number (web-3), which is now their slot.
            migrationBuilder.Sql("""
                UPDATE orchestrator.tasks SET "JobSlot" = substring("Name" from '-([0-9]{1,9})$')::int
                WHERE "JobName" IS NOT NULL AND "Name" ~ '-[0-9]{1,9}$'
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "JobSlot",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "VolumeNodeId",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.AddColumn<int>(
                name: "NextIndex",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 1);
        }
    }
}
