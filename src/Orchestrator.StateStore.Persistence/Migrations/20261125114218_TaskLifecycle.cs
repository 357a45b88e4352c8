using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class TaskLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Health",
                schema: "orchestrator",
                table: "tasks",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastProbeAt",
                schema: "orchestrator",
                table: "tasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastProbeResult",
                schema: "orchestrator",
                table: "tasks",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RestartCount",
                schema: "orchestrator",
                table: "tasks",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Health",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "LastProbeAt",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "LastProbeResult",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "RestartCount",
                schema: "orchestrator",
                table: "tasks");
        }
    }
}
