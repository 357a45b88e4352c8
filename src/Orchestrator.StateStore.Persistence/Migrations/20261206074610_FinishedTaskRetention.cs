using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FinishedTaskRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_tasks_FinishedAt",
                schema: "orchestrator",
                table: "tasks",
                column: "FinishedAt",
                filter: "\"FinishedAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_FinishedAt",
                schema: "orchestrator",
                table: "tasks");
        }
    }
}
