using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class JobRevisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RecordedRevision",
                schema: "orchestrator",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "job_revisions",
                schema: "orchestrator",
                columns: table => new
                {
                    JobName = table.Column<string>(type: "character varying(56)", maxLength: 56, nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Spec = table.Column<string>(type: "jsonb", nullable: false),
                    Reason = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_job_revisions", x => new { x.JobName, x.Revision });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_revisions",
                schema: "orchestrator");

            migrationBuilder.DropColumn(
                name: "RecordedRevision",
                schema: "orchestrator",
                table: "jobs");
        }
    }
}
