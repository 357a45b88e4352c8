using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PeriodicJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "KeepRuns",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastRunAt",
                schema: "orchestrator",
                table: "jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Overlap",
                schema: "orchestrator",
                table: "jobs",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParentJob",
                schema: "orchestrator",
                table: "jobs",
                type: "character varying(56)",
                maxLength: 56,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Schedule",
                schema: "orchestrator",
                table: "jobs",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ScheduledAt",
                schema: "orchestrator",
                table: "jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TimeZone",
                schema: "orchestrator",
                table: "jobs",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_jobs_ParentJob",
                schema: "orchestrator",
                table: "jobs",
                column: "ParentJob",
                filter: "\"ParentJob\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_jobs_ParentJob",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "KeepRuns",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "LastRunAt",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "Overlap",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "ParentJob",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "Schedule",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "ScheduledAt",
                schema: "orchestrator",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "TimeZone",
                schema: "orchestrator",
                table: "jobs");
        }
    }
}
