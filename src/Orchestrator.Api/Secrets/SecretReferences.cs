using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Api.Secrets;

/// <summary>
/// The secrets a spec names that do not exist, as field errors (<c>secrets[0].name</c>, <c>secretEnv.DB_PASSWORD</c>),
/// so a task that could never start is refused with a 400 instead. A spec that names none costs no request.
/// </summary>
public sealed class SecretReferences(IRequestClient<ListSecrets> secrets)
{
    public async Task<IReadOnlyDictionary<string, string[]>> MissingAsync(TaskSpec spec, string prefix, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (spec.SecretNames.Count == 0)
            return errors;
        var response = await secrets.GetResponse<SecretList>(new ListSecrets(WithUsage: false), cancellationToken);
        var known = response.Message.Secrets.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var files = spec.SecretsOrEmpty;
        for (var i = 0; i < files.Count; i++)
            if (!known.Contains(files[i].Name))
                errors[$"{prefix}secrets[{i}].name"] = [NoSuchSecret(files[i].Name)];
        foreach (var (variable, secret) in spec.SecretEnv ?? new Dictionary<string, string>())
            if (!known.Contains(secret))
                errors[$"{prefix}secretEnv.{variable}"] = [NoSuchSecret(secret)];
        return errors;
    }

    private static string NoSuchSecret(string name) => $"There is no secret named {name}; set it first (PUT /api/secrets/{name}).";
}
