using MassTransit;
using Microsoft.AspNetCore.Diagnostics;

namespace Orchestrator.Api.Extensions;

/// <summary>StateStore, or a node's agent asked for logs, did not answer in time: a 503 ProblemDetails, not a stack trace.</summary>
internal sealed class StateStoreUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not RequestTimeoutException)
            return false;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "A service behind the Api did not answer in time.",
                Detail = "Nothing was changed by this request. Try again shortly.",
            },
        });
    }
}
