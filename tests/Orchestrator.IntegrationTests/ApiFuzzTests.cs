using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.AspNetCore.Builder;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// Property-based fuzzing of the Api's JSON input (CsCheck): task specs, job specs and secrets made from a valid one by
/// replacing fields with any JSON, adding unknown fields, or cutting the text short. Whatever comes in, the Api
/// answers below 500, and records nothing it refused. The Api under test allows no image (<c>Api:Policy</c>), so a
/// body that happens to be valid is refused as well (403), and nothing is started. <c>ORCHESTRATOR_FUZZ_CASES</c>
/// sets how many cases each test sends (docs/contributing.md, for a longer run); a failure prints the seed that
/// repeats it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ApiFuzzTests(ClusterFixture cluster) : IAsyncLifetime
{
    private static readonly long Cases = long.TryParse(Environment.GetEnvironmentVariable("ORCHESTRATOR_FUZZ_CASES"), out var cases) ? cases : 1500;

    private WebApplication _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var configuration = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["Api:Policy:AllowedImages:0"] = "fuzz.invalid/",
            ["Api:RateLimit:RequestsPerSecond"] = "0",
        };
        _api = InProcessServices.Api(configuration, ServiceHosts.Settings);
        await _api.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_api.Urls.First()) };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixtureBase.ApiKey);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task No_task_spec_gets_a_5xx_and_none_is_recorded()
    {
        var before = await TaskCountAsync();

        await Bodies(TaskSpec).SampleAsync(async body =>
        {
            using var response = await _client.PostAsync("/api/tasks", Json(body));
            AssertRefusedWithoutFault(response, body);
        }, iter: Cases, threads: 1);

        Assert.Equal(before, await TaskCountAsync());
    }

    [Fact]
    public async Task No_job_spec_gets_a_5xx_and_none_is_recorded()
    {
        await Bodies(JobSpec).SampleAsync(async body =>
        {
            using var response = await _client.PutAsync("/api/jobs/fuzz", Json(body));
            AssertRefusedWithoutFault(response, body);
        }, iter: Cases, threads: 1);

        using var job = await _client.GetAsync("/api/jobs/fuzz");
        Assert.Equal(HttpStatusCode.NotFound, job.StatusCode);
    }

    [Fact]
    public async Task A_null_where_the_spec_allows_none_is_a_400_naming_the_field()
    {
        // Found by the job fuzz: a job's task with "name": null reached the validator as a null string (a 500).
        var job = JobSpec();
        job["task"]!["name"] = null;
        using var response = await _client.PutAsync("/api/jobs/fuzz", Json(job.ToJsonString()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("This field cannot be null: leave it out for its default.", problem["errors"]!["task.name"]![0]!.GetValue<string>());
    }

    private static void AssertRefusedWithoutFault(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{status} for {body}");
    }

    [Fact]
    public async Task No_secret_body_gets_a_5xx_and_a_refused_one_records_nothing()
    {
        const string name = "fuzz-secret";
        await Bodies(SecretBody).SampleAsync(async body =>
        {
            using var response = await _client.PutAsync($"/api/secrets/{name}", Json(body));
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {body}: {await response.Content.ReadAsStringAsync()}");
            if (response.IsSuccessStatusCode)
            {
                // A body that is still a valid secret is kept; removed, so that the next refusal is seen to add nothing.
                using var removed = await _client.DeleteAsync($"/api/secrets/{name}");
                Assert.True(removed.IsSuccessStatusCode, await removed.Content.ReadAsStringAsync());
                return;
            }
            using var secret = await _client.GetAsync($"/api/secrets/{name}");
            Assert.True(secret.StatusCode == HttpStatusCode.NotFound, $"a refused body ({(int)response.StatusCode}) left a secret behind: {body}");
        }, iter: Cases / 3, threads: 1);
    }

    private async Task<int> TaskCountAsync() =>
        (await _client.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?limit={ListTasks.MaxLimit}", ClusterFixtureBase.Json))!.Count;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static JsonObject TaskSpec() => new()
    {
        ["name"] = "fuzz",
        ["image"] = "orchestrator/busybox:latest",
        ["command"] = new JsonArray("sleep", "60"),
        ["env"] = new JsonObject { ["A"] = "1" },
        ["resources"] = new JsonObject { ["cpu"] = 0.5, ["memoryMb"] = 64, ["diskMb"] = 100 },
        ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 80, ["hostPort"] = 0, ["protocol"] = "tcp" }),
        ["restartPolicy"] = new JsonObject { ["mode"] = "OnFailure", ["maxRestarts"] = 3 },
        ["healthCheck"] = new JsonObject { ["http"] = new JsonObject { ["port"] = 80, ["path"] = "/" } },
        ["mounts"] = new JsonArray(new JsonObject { ["type"] = "volume", ["source"] = "data", ["target"] = "/data" }),
        ["labels"] = new JsonObject { ["team"] = "a" },
        ["capAdd"] = new JsonArray("NET_BIND_SERVICE"),
        ["ulimits"] = new JsonArray(new JsonObject { ["name"] = "nofile", ["soft"] = 1024, ["hard"] = 2048 }),
        ["stopTimeoutSeconds"] = 10,
    };

    private static JsonObject SecretBody() => new() { ["value"] = "s3cret", ["valueBase64"] = null };

    private static JsonObject JobSpec() => new()
    {
        ["type"] = "service",
        ["count"] = 2,
        ["task"] = TaskSpec(),
        ["update"] = new JsonObject { ["maxParallel"] = 1, ["canary"] = 0 },
        ["datacenters"] = new JsonArray("dc1"),
    };

    private static readonly Gen<string> Key = Gen.OneOf(
        Gen.String.AlphaNumeric,
        Gen.OneOf("name", "image", "cpu", "memoryMb", "port", "hostPort", "containerPort", "type", "source", "target", "mode", "$type", "__proto__"));

    private static readonly Gen<JsonNode?> Scalar = Gen.OneOf<JsonNode?>(
        Gen.Const((JsonNode?)null),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
        Gen.Int[-2, 70_000].Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.Double.Select(d => (JsonNode?)JsonValue.Create(double.IsFinite(d) ? d : 1e308)),
        Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.OneOf("", " ", "../..", "a:b@c", "ALL", "-1", "1e400", "0x10", "\u0000", "🙂", new string('a', 5000)).Select(s => (JsonNode?)JsonValue.Create(s)));

    /// <summary>Any JSON value, nested a few levels at most.</summary>
    private static readonly Gen<JsonNode?> AnyJson = Gen.Recursive<JsonNode?>((depth, inner) => depth >= 3
        ? Scalar
        : Gen.Frequency<JsonNode?>(
            (6, Scalar),
            (1, inner.Array[0, 4].Select(items => (JsonNode?)new JsonArray(items))),
            (1, Gen.Select(Key.Array[0, 4], inner.Array[4], (keys, values) =>
                (JsonNode?)new JsonObject(keys.Distinct().Select((k, i) => KeyValuePair.Create(k, values[i])))))));

    /// <summary>One change to a valid body: a field (perhaps nested) replaced by any JSON or removed, or an unknown field added.</summary>
    private static Gen<Action<JsonObject>> Mutation => Gen.Frequency<Action<JsonObject>>(
        (4, Gen.Select(Gen.Int[0, 1000], AnyJson, (pick, value) => (Action<JsonObject>)(body => Replace(body, pick, value)))),
        (1, Gen.Int[0, 1000].Select(pick => (Action<JsonObject>)(body => Replace(body, pick, null, remove: true)))),
        (1, Gen.Select(Key, AnyJson, (key, value) => (Action<JsonObject>)(body => body[key] = value))));

    /// <summary>Bodies made from <paramref name="valid"/> by a few mutations, sometimes cut short as text.</summary>
    private static Gen<string> Bodies(Func<JsonObject> valid) =>
        Gen.Select(Mutation.Array[1, 4], Gen.Int[0, 9], Gen.Int[0, 10_000], (mutations, cut, at) =>
        {
            var body = valid();
            foreach (var mutate in mutations)
                mutate(body);
            var text = body.ToJsonString();
            return cut == 0 ? text[..Math.Min(text.Length, at % (text.Length + 1))] : text;
        });

    /// <summary>Replaces (or removes) the <paramref name="pick"/>-th property of the body, counted depth first over every nested object.</summary>
    private static void Replace(JsonObject body, int pick, JsonNode? value, bool remove = false)
    {
        var properties = new List<(JsonObject Parent, string Name)>();
        void Walk(JsonNode? node)
        {
            if (node is JsonObject obj)
                foreach (var (name, child) in obj.ToList())
                {
                    properties.Add((obj, name));
                    Walk(child);
                }
            else if (node is JsonArray array)
                foreach (var item in array)
                    Walk(item);
        }
        Walk(body);
        // A small body whose every field an earlier mutation removed has nothing left to change.
        if (properties.Count == 0)
            return;
        var (parent, property) = properties[pick % properties.Count];
        if (remove)
            parent.Remove(property);
        else
            parent[property] = value;
    }
}
