namespace Orchestrator.Api.Extensions;

/// <summary>
/// Stops waiting for an endpoint once its request is aborted, by the client or by the request-timeouts deadline,
/// even if the work it awaits never ends. A send to a broker that stopped answering can wait on something that
/// ignores cancellation (a frozen broker held a POST past the client's 100 s in a test); without this the
/// deadline would cancel a token nobody was listening to, and no answer would be written. The abandoned send
/// finishes or fails on its own; its result is never written, since the response has been.
/// </summary>
internal sealed class RequestDeadlineFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await next(context).AsTask().WaitAsync(context.HttpContext.RequestAborted);
}
