using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orchestrator.StateStore.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CatalogRevisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CatalogRevision",
                schema: "orchestrator",
                table: "tasks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "HasServices",
                schema: "orchestrator",
                table: "tasks",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_tasks_catalog",
                schema: "orchestrator",
                table: "tasks",
                column: "CatalogRevision",
                filter: "\"HasServices\" AND \"State\" NOT IN ('Completed', 'Failed')");

            // The catalog's revisions are set here, in the database, so that every statement that writes a task counts:
            // EF Core's updates and the probes' and heartbeats' own SQL alike. Only what the catalog shows moves them.
            migrationBuilder.Sql("""
                CREATE SEQUENCE orchestrator.catalog_revisions;
                CREATE FUNCTION orchestrator.set_catalog_revision() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' OR (OLD."State", OLD."DesiredState", OLD."Health", OLD."NodeId", OLD."Ports")
                        IS DISTINCT FROM (NEW."State", NEW."DesiredState", NEW."Health", NEW."NodeId", NEW."Ports") THEN
                        NEW."CatalogRevision" := nextval('orchestrator.catalog_revisions');
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER tasks_catalog_revision BEFORE INSERT OR UPDATE ON orchestrator.tasks
                    FOR EACH ROW WHEN (NEW."HasServices") EXECUTE FUNCTION orchestrator.set_catalog_revision();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER tasks_catalog_revision ON orchestrator.tasks;
                DROP FUNCTION orchestrator.set_catalog_revision();
                DROP SEQUENCE orchestrator.catalog_revisions;
                """);

            migrationBuilder.DropIndex(
                name: "IX_tasks_catalog",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "CatalogRevision",
                schema: "orchestrator",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "HasServices",
                schema: "orchestrator",
                table: "tasks");
        }
    }
}
