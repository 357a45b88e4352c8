using Microsoft.AspNetCore.Authorization;

namespace Orchestrator.Api.Security;

/// <summary>
/// Every key may read; only a key from <c>Api:Keys</c> may change anything. The rule goes by the request's method
/// (GET and HEAD read, every other method changes something), so an endpoint added later is covered without a
/// line of its own, as Kubernetes' roles go by the verb.
/// </summary>
public sealed class WriteAccess : AuthorizationHandler<WriteAccess>, IAuthorizationRequirement
{
    /// <summary>The role a key from <c>Api:Keys</c> carries.</summary>
    public const string WriterRole = "writer";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, WriteAccess requirement)
    {
        var method = (context.Resource as HttpContext)?.Request.Method;
        if (IsRead(method) || context.User.IsInRole(WriterRole))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }

    private static bool IsRead(string? method) => method is not null && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method));
}
