using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Contracts;

namespace Orchestrator.Api.Apis;

/// <summary>StateStore's admission control turned new tasks away: 429 with its reason and a Retry-After.</summary>
public static class SubmissionRefusal
{
    public static ProblemHttpResult Problem(HttpResponse response, SubmissionRefused refused)
    {
        response.Headers.RetryAfter = ((int)Math.Ceiling(refused.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests, title: "The cluster is not taking new tasks now.", detail: refused.Reason);
    }
}
