namespace Orchestrator.Contracts;

/// <summary>A registry's stored credentials as users see them: never the password. The server only for a read-only key (the rest is null).</summary>
public sealed record RegistryDetails(string Server, string? Username, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt);

/// <summary>
/// Api to StateStore: store the user name and password to pull from <paramref name="Server"/> with, the password
/// sealed to the intake key (purpose <see cref="SecretPurposes.RegistryIntake"/>). Answered with
/// <see cref="RegistryDetails"/>, <see cref="SecretsUnavailable"/> or <see cref="SecretRefused"/>.
/// </summary>
public sealed record SetRegistryCredentials(string Server, string Username, byte[] IntakeKey, SealedValue Password);

/// <summary>Api to StateStore: every registry with stored credentials. Answered with <see cref="RegistryList"/>.</summary>
public sealed record ListRegistries;

public sealed record RegistryList(IReadOnlyList<RegistryDetails> Registries);

/// <summary>Api to StateStore: forget a registry's credentials. Answered with <see cref="RegistryDetails"/> or <see cref="RegistryNotFound"/>.</summary>
public sealed record DeleteRegistryCredentials(string Server);

public sealed record RegistryNotFound(string Server);

/// <summary>
/// An agent to StateStore, when it is about to pull the image of an attempt placed on its node: the credentials
/// stored for the image's registry, the password sealed to <paramref name="RecipientPublicKey"/>, a key made for this
/// one request. Answered with <see cref="PullCredentials"/>, <see cref="NoPullCredentials"/> or <see cref="TaskSecretsRefused"/>.
/// </summary>
public sealed record GetPullCredentials(Guid TaskId, int Attempt, Guid NodeId, byte[] RecipientPublicKey);

/// <summary>The user name and the sealed password (purpose <see cref="SecretPurposes.RegistryForTask"/>) for the task's image's registry.</summary>
public sealed record PullCredentials(Guid TaskId, string Server, string Username, SealedValue Password);

/// <summary>No credentials are stored for the task's image's registry: the agent pulls anonymously.</summary>
public sealed record NoPullCredentials(Guid TaskId, string Server);
