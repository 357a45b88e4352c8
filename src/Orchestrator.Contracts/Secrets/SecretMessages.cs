namespace Orchestrator.Contracts;

/// <summary>A secret as users see it: never its value. Names only for a read-only key (the rest is null).</summary>
public sealed record SecretDetails(
    string Name,
    int? Version,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    IReadOnlyList<Guid>? UsedByTasks,
    IReadOnlyList<string>? UsedByJobs);

/// <summary>Api to StateStore: the public key to seal a secret's value to. Answered with <see cref="SecretIntakeKey"/> or <see cref="SecretsUnavailable"/>.</summary>
public sealed record GetSecretIntakeKey;

/// <summary>StateStore's key for sealing secret values to it (SubjectPublicKeyInfo); its private half is kept protected by the operator's key.</summary>
public sealed record SecretIntakeKey(byte[] PublicKey);

/// <summary>StateStore cannot keep secrets: no operator key is configured (<c>StateStore:Secrets:Key</c>).</summary>
public sealed record SecretsUnavailable(string Reason);

/// <summary>
/// Api to StateStore: set a secret's value, sealed to the intake key (purpose <see cref="SecretPurposes.Intake"/>).
/// Answered with <see cref="SecretDetails"/>, <see cref="SecretsUnavailable"/> or <see cref="SecretRefused"/>.
/// </summary>
public sealed record SetSecret(string Name, byte[] IntakeKey, SealedValue Value);

/// <summary>StateStore did not take a secret: the reason names what is wrong (e.g. the intake key changed; ask again).</summary>
public sealed record SecretRefused(string Reason);

/// <summary>Api to StateStore: every secret, without values. Answered with <see cref="SecretList"/>.</summary>
/// <param name="WithUsage">
/// Whether to say which tasks and jobs use each secret, which reads every unfinished task's spec; a check that names
/// exist (at every submission that uses secrets) asks without.
/// </param>
public sealed record ListSecrets(bool WithUsage = true);

public sealed record SecretList(IReadOnlyList<SecretDetails> Secrets);

/// <summary>
/// Api to StateStore: remove a secret. Answered with <see cref="SecretDetails"/> (what was removed),
/// <see cref="SecretNotFound"/> or <see cref="SecretInUse"/>.
/// </summary>
public sealed record DeleteSecret(string Name);

public sealed record SecretNotFound(string Name);

/// <summary>Refused while a live task uses the secret, or a job's spec names it.</summary>
public sealed record SecretInUse(string Name, string Reason);

/// <summary>
/// An agent to StateStore, at the start of an attempt placed on its node: the values of the secrets the task uses,
/// sealed to <paramref name="RecipientPublicKey"/>, a key the agent made for this request and holds only in memory.
/// Answered with <see cref="TaskSecretValues"/> or <see cref="TaskSecretsRefused"/>.
/// </summary>
public sealed record GetTaskSecrets(Guid TaskId, int Attempt, Guid NodeId, byte[] RecipientPublicKey);

/// <summary>Each secret's value by name, sealed for <see cref="SecretPurposes.ForTask"/>.</summary>
public sealed record TaskSecretValues(Guid TaskId, IReadOnlyDictionary<string, SealedValue> Values);

public sealed record TaskSecretsRefused(Guid TaskId, string Reason);

/// <summary>What a sealed secret value is for, bound into its sealing so it opens for nothing else.</summary>
public static class SecretPurposes
{
    public static string Intake(string name) => $"secret {name} to StateStore";

    public static string ForTask(string name, Guid taskId, int attempt) => $"secret {name} for task {taskId} attempt {attempt}";

    public static string RegistryIntake(string server) => $"registry {server} password to StateStore";

    public static string RegistryForTask(string server, Guid taskId, int attempt) => $"registry {server} password for task {taskId} attempt {attempt}";
}
