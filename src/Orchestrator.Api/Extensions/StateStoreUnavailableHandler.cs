using MassTransit;
using Microsoft.AspNetCore.Diagnostics;

namespace Orchestrator.Api.Extensions;

/// <summary>
/// StateStore (or a node's agent asked for logs) did not answer in time, or StateStore answered that it could not
/// reach its database: a 503 ProblemDetails saying nothing was changed, not a 500 with a stack trace. Either way
/// StateStore's transaction did not commit; any other fault is a 500, as a bug should be.
/// </summary>
internal sealed class StateStoreUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var title = exception switch
        {
            RequestTimeoutException => "A service behind the Api did not answer in time.",
            RequestFaultException fault when IsDatabaseOutage(fault) => "StateStore cannot reach its database.",
            _ => null,
        };
        if (title is null)
            return false;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = title,
                Detail = "Nothing was changed by this request. Try again shortly.",
            },
        });
    }

    // The fault names the exception types StateStore met (the Api does not reference Npgsql to compare types).
    // NpgsqlException itself is the connection failing; its subclass PostgresException is the server refusing a
    // statement, which is a bug and stays a 500.
    private static bool IsDatabaseOutage(RequestFaultException fault) =>
        fault.Fault?.Exceptions.Any(error => Causes(error).Any(cause => cause.ExceptionType == "Npgsql.NpgsqlException")) == true;

    private static IEnumerable<ExceptionInfo> Causes(ExceptionInfo? error)
    {
        for (; error is not null; error = error.InnerException)
            yield return error;
    }
}
