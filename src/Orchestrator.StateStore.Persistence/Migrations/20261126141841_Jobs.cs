using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Jobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "JobName",
                schema: "orchestrator",
                table: "tasks",
                type: "character varying(56)",
                maxLength: 56,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "JobRevision",
                schema: "orchestrator",
                table: "tasks",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StopReason",
                schema: "orchestrator",
                table: "tasks",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "jobs",
                schema: "orchestrator",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(56)", maxLength: 56, nullable: false),
                    Spec = table.Column<string>(type: "jsonb", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    NextIndex = table.Column<int>(type: "integer", nullable: false),
                    Message = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    HeldBackUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_tasks_JobName_State",
                schema: "orchestrator",
                table: "tasks",
                columns: new[] { "JobName", "State" },
                filter: "\"JobName\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "jobs",
                schema: "orchestrator");

            migrationBuilder.DropIndex(
                name: "IX_tasks_JobName_State",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "JobName",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "JobRevision",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "StopReason",
                schema: "orchestrator",
                table: "tasks");
        }
    }
}
