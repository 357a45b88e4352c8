using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class JobTypes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Completions",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FinishedAt",
                schema: "orchestrator",
                table: "jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxRetries",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Parallelism",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Retries",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                schema: "orchestrator",
                table: "jobs",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                // Every job before types was a service job, which is always Running.
                defaultValue: "Running");

            migrationBuilder.AddColumn<int>(
                name: "Succeeded",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Type",
                schema: "orchestrator",
                table: "jobs",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Service");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Completions",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "FinishedAt",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "MaxRetries",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "Parallelism",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "Retries",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "Status",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "Succeeded",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "Type",
                schema: "orchestrator",
                table: "jobs");
        }
    }
}
