using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.Queries;

/// <summary>
/// What a database role that only reads (the Api's) is granted: the schema, and a select on the tables the queries
/// of this folder read. Not the secrets, the registries' credentials, Data Protection's keys, the leases or the outbox.
/// StateStore grants it after each migration, so a table a migration adds is granted with the query that reads it.
/// </summary>
public static class ReaderGrants
{
    public static readonly IReadOnlyList<Type> Tables =
        [typeof(TaskRecord), typeof(TaskEventRecord), typeof(NodeRecord), typeof(JobRecord), typeof(JobRevisionRecord), typeof(AuditEntryRecord)];

    /// <summary>A role name that needs no quoting: lower-case letters, digits and underscores, not starting with a digit.</summary>
    public const string RoleNamePattern = "^[a-z_][a-z0-9_]{0,62}$";

    public static string Sql(IModel model, string role)
    {
        var tables = Tables.Select(type => model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model."))
            .Select(entity => $"{entity.GetSchema()}.\"{entity.GetTableName()}\"");
        return $"GRANT USAGE ON SCHEMA {model.GetDefaultSchema()} TO {role}; GRANT SELECT ON {string.Join(", ", tables)} TO {role};";
    }
}
