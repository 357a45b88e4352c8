namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>Requests to what a task serves on its node's published ports.</summary>
public static class TaskHttp
{
    /// <summary>The body at <paramref name="url"/>, asked again while the server in a just-started container is still binding.</summary>
    public static async Task<string> FetchAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await http.GetStringAsync(url);
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
