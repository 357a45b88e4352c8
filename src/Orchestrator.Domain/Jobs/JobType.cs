namespace Orchestrator.Domain.Jobs;

/// <summary>What a job keeps doing with its tasks.</summary>
public enum JobType
{
    /// <summary>Keeps <c>count</c> tasks running, replaces those that end, and rolls a new spec out (Nomad's service, a Kubernetes Deployment).</summary>
    Service,

    /// <summary>Runs tasks until <c>completions</c> of them have ended with exit 0, then ends (Nomad's batch, a Kubernetes Job).</summary>
    Batch,

    /// <summary>Runs one task on every eligible node, including nodes that join later (Nomad's system, a Kubernetes DaemonSet).</summary>
    System,
}

/// <summary>Where a job is: a service job is always <see cref="Running"/>; a batch job ends Complete or Failed.</summary>
public enum JobStatus
{
    Running,
    Complete,
    Failed,
}
