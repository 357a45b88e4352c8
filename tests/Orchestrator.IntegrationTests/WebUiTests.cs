using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// The web UI in front of the test cluster, over HTTP as a browser first reaches it: sign-in with an API key the Api
/// knows, pages rendered from the Api's answers, and a read-only key shown no button that changes anything. The
/// clicks themselves, over the UI's live connection, are the browser check's (deploy/local/check-web.sh).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class WebUiTests(ClusterFixture cluster) : IAsyncLifetime
{
    private WebApplication _web = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(cluster.Configuration) { ["Web:Api"] = cluster.Api.BaseAddress!.ToString() };
        _web = InProcessServices.Web(settings, ServiceHosts.Settings);
        await _web.StartAsync();
        _address = new Uri(_web.Urls.First());
    }

    public async Task DisposeAsync() => await _web.DisposeAsync();

    private HttpClient Browser() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = _address };

    /// <summary>Signs in as a person does: the form's page, then the form posted with its antiforgery token.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key)
    {
        var form = await browser.GetStringAsync("/signin");
        var token = AntiforgeryToken().Match(form).Groups["token"].Value;
        return await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["key"] = key,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = token,
        }));
    }

    [Fact]
    public async Task A_person_signed_in_with_a_key_sees_the_nodes_and_a_task_with_its_stop_button()
    {
        using var browser = Browser();
        using (var before = await browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, before.StatusCode);
            Assert.StartsWith("/signin", before.Headers.Location!.OriginalString.Replace(_address.ToString(), "/"));
        }

        using (var signedIn = await SignInAsync(browser, ClusterFixtureBase.ApiKey))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
        }
        var overview = await browser.GetStringAsync("/");
        Assert.Contains("test-node", overview);
        Assert.Contains("aria-label=\"CPU:", overview);
        Assert.Contains("tests", overview);

        var task = await cluster.SubmitAsync(new { name = "seen-in-the-ui", image = TestImages.Workload, command = new[] { "sleep", "60" } });
        await cluster.WaitForStateAsync(task.Id, TaskState.Running);
        var page = await browser.GetStringAsync($"/tasks/{task.Id}");
        Assert.Contains("seen-in-the-ui", page);
        Assert.Contains(">Stop</button>", page);
        var list = await browser.GetStringAsync($"/tasks?q={task.Id.ToString("N")[..12]}");
        Assert.Contains($"/tasks/{task.Id}", list);
        await cluster.StopAndWaitAsync(task.Id);
    }

    [Fact]
    public async Task A_read_only_key_sees_no_button_that_changes_anything_and_cannot_open_the_submit_page()
    {
        var task = await cluster.SubmitAsync(new { name = "read-only-view", image = TestImages.Workload, resources = new { cpu = 256 } });
        using var browser = Browser();
        using (await SignInAsync(browser, ClusterFixtureBase.ReadOnlyApiKey)) { }

        var page = await browser.GetStringAsync($"/tasks/{task.Id}");
        Assert.Contains("read-only-view", page);
        Assert.Contains("(read only)", page);
        Assert.DoesNotContain("<button type=\"button\"", page);
        Assert.DoesNotContain("href=\"/submit\"", page);
        using var submit = await browser.GetAsync("/submit");
        Assert.Equal(HttpStatusCode.Redirect, submit.StatusCode);
        Assert.Contains("/denied", submit.Headers.Location!.OriginalString);
        await cluster.StopAllAsync([task.Id]);
    }

    [Fact]
    public async Task A_key_the_api_refuses_goes_back_to_the_form_with_the_reason()
    {
        using var browser = Browser();

        using var refused = await SignInAsync(browser, "not-a-key-of-this-cluster");

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        var back = refused.Headers.Location!.OriginalString;
        Assert.StartsWith("/signin?error=", back);
        var form = await browser.GetStringAsync(back);
        Assert.Contains("The Api refused the key.", form);
        using var still = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, still.StatusCode);
    }

    [GeneratedRegex("""name="__RequestVerificationToken" value="(?<token>[^"]+)" """)]
    private static partial Regex AntiforgeryToken();
}
