using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RolloutVerdicts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "HealthySince",
                schema: "orchestrator",
                table: "tasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FailedRevision",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PromotedRevision",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RolloutFailure",
                schema: "orchestrator",
                table: "jobs",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "StableRevision",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StableSpec",
                schema: "orchestrator",
                table: "jobs",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Update",
                schema: "orchestrator",
                table: "jobs",
                type: "jsonb",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HealthySince",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "FailedRevision",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "PromotedRevision",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "RolloutFailure",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "StableRevision",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "StableSpec",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "Update",
                schema: "orchestrator",
                table: "jobs");
        }
    }
}
