using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>A job's kept revisions, newest first.</summary>
public sealed record JobRevisionList(string Name, int Current, IReadOnlyList<JobRevisionDetails> Revisions);

/// <summary>One revision of a job: its task spec, why it was made (a new spec, a secret's rotation, a revert, a restart) and when.</summary>
public sealed record JobRevisionDetails(int Revision, TaskSpec Task, string Reason, DateTimeOffset CreatedAt, bool Current);
