using System.ComponentModel.DataAnnotations;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Persistence;

/// <summary>StateStore's database (section <c>StateStore:Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "StateStore:Database";

    /// <summary>
    /// A role that StateStore grants, after every migration, the reads the Api makes (<see cref="ReaderGrants"/>) and
    /// nothing else; the Api then logs in as it. The role must exist: creating a login is the operator's (docs/deploy.md).
    /// Unset, StateStore grants nothing.
    /// </summary>
    [RegularExpression(ReaderGrants.RoleNamePattern, ErrorMessage = "must be a role name of lower-case letters, digits and underscores")]
    public string? ReaderRole { get; set; }
}
