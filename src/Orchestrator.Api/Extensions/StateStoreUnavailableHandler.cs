using MassTransit;
using Microsoft.AspNetCore.Diagnostics;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.Api.Extensions;

/// <summary>
/// StateStore (or a node's agent asked for logs) did not answer in time, StateStore answered that it could not
/// reach its database, or the Api's own read could not reach it: a 503 ProblemDetails saying nothing was changed, not
/// a 500 with a stack trace; either way StateStore's transaction did not commit. The broker not taking the request
/// (its send was cancelled, e.g. a frozen broker that never confirms) is a 503 too, which says the request may still
/// arrive. Any other fault is a 500, as a bug should be.
/// </summary>
internal sealed class StateStoreUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (title, detail) = exception switch
        {
            RequestTimeoutException => ("A service behind the Api did not answer in time.", NothingChanged),
            RequestFaultException fault when IsDatabaseOutage(fault) => ("StateStore cannot reach its database.", NothingChanged),
            // The Api's own read: a connection that fails or times out, or a server shutting down (a statement the
            // server refuses is a bug, and stays a 500).
            _ when DatabaseOutage.IsCause(exception) => ("The Api cannot reach the database.", NothingChanged),
            RequestCanceledException => (BrokerDidNotTakeIt, MayStillApply),
            _ => (null, null),
        };
        if (title is null)
            return false;
        return await WriteAsync(problems, context, title, detail!, exception);
    }

    private const string NothingChanged = "Nothing was changed by this request. Try again shortly.";
    private const string BrokerDidNotTakeIt = "The message broker did not take the request in time.";
    private const string MayStillApply =
        "The request may still be applied once the broker recovers: check before repeating a change.";

    /// <summary>
    /// The answer when the Api's own deadline for a request passes first (the request timeouts middleware): the
    /// message to StateStore never left, e.g. because the broker stopped confirming publishes.
    /// </summary>
    public static Task WriteDeadlinePassedAsync(HttpContext context) =>
        WriteAsync(context.RequestServices.GetRequiredService<IProblemDetailsService>(), context, BrokerDidNotTakeIt, MayStillApply, exception: null).AsTask();

    private static ValueTask<bool> WriteAsync(
        IProblemDetailsService problems, HttpContext context, string title, string detail, Exception? exception)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = title, Detail = detail },
        });
    }

    // The fault names the exception types StateStore met, by name. NpgsqlException itself is the connection failing;
    // its subclass PostgresException is the server refusing a statement, which is a bug and stays a 500.
    private static bool IsDatabaseOutage(RequestFaultException fault) =>
        fault.Fault?.Exceptions.Any(error => Causes(error).Any(cause => cause.ExceptionType == "Npgsql.NpgsqlException")) == true;

    private static IEnumerable<ExceptionInfo> Causes(ExceptionInfo? error)
    {
        for (; error is not null; error = error.InnerException)
            yield return error;
    }
}
