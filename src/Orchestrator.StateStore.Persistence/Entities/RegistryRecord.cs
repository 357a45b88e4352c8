namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// The credentials agents pull a registry's images with: the password only as Data Protection's ciphertext, bound to
/// the server's name as a secret's value is to its name (StateStore's <c>SecretVault</c>).
/// </summary>
public sealed class RegistryRecord
{
    /// <summary>host[:port], lower case, as <see cref="Domain.Tasks.ImageReference.Server"/> names it.</summary>
    public required string Server { get; init; }

    public const int MaxUsernameLength = 255;

    public string Username { get; private set; } = "";

    /// <summary>The password, protected for <see cref="Purpose"/>; never the cleartext.</summary>
    public byte[] ProtectedPassword { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>What the password is protected for: apart from every secret, whose names have no ':'.</summary>
    public static string Purpose(string server) => $"registry:{server}";

    public static RegistryRecord Create(string server, string username, byte[] protectedPassword, DateTimeOffset now) =>
        new() { Server = server, Username = username, ProtectedPassword = protectedPassword, CreatedAt = now, UpdatedAt = now };

    public void Replace(string username, byte[] protectedPassword, DateTimeOffset now)
    {
        Username = username;
        ProtectedPassword = protectedPassword;
        UpdatedAt = now;
    }
}
