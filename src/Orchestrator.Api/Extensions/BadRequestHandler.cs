using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Orchestrator.Api.Extensions;

/// <summary>
/// A request ASP.NET Core could not bind, e.g. <c>?limit=abc</c> or <c>?follow=maybe</c>: a 400 ValidationProblem that
/// names the parameter, like every other bad input, instead of a bare 400. Needs
/// <see cref="RouteHandlerOptions.ThrowOnBadRequest"/>, which <see cref="ApiExtensions.AddApiServices{TBuilder}"/> sets.
/// </summary>
internal sealed partial class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
            return false;
        context.Response.StatusCode = bad.StatusCode;
        // ASP.NET Core's words for a value it could not convert: Failed to bind parameter "int? limit" from "abc".
        ProblemDetails problem = BindingFailure().Match(bad.Message) is { Success: true } failure
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [failure.Groups["name"].Value] = [$"'{failure.Groups["value"].Value}' is not a valid {failure.Groups["name"].Value}."],
            })
            {
                Title = "The query is not valid.",
            }
            : new ProblemDetails { Title = "The request is not valid.", Detail = bad.Message };
        problem.Status = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }

    [GeneratedRegex("""^Failed to bind parameter "(?:[^"]* )?(?<name>\w+)" from "(?<value>[^"]*)"\.$""")]
    private static partial Regex BindingFailure();
}
