using MassTransit;
using Microsoft.AspNetCore.Diagnostics;
using Orchestrator.Api.Apis;
using Orchestrator.Contracts;

namespace Orchestrator.Api.Extensions;

/// <summary>
/// StateStore refused a change because its <c>Idempotency-Key</c> was used before for a different request
/// (<see cref="IdempotencyKeyReusedException"/>, which reaches the Api as a fault): a 422 ProblemDetails that names the
/// header. Nothing was changed.
/// </summary>
internal sealed class IdempotencyKeyReusedHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not RequestFaultException fault
            || fault.Fault?.Exceptions.Any(e => e.ExceptionType == typeof(IdempotencyKeyReusedException).FullName) != true)
            return false;
        context.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = $"The {IdempotencyKey.Header} was used before for a different request.",
                Detail = "Nothing was changed. Send a new key for a new request; repeat a key only with the same request.",
            },
        });
    }
}
