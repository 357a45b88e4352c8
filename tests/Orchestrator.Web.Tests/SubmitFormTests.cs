using System.Text.Json.Nodes;
using Orchestrator.Web.Forms;

namespace Orchestrator.Web.Tests;

public sealed class SubmitFormTests
{
    [Fact]
    public void A_task_is_sent_with_what_was_filled_in_and_numbers_as_numbers()
    {
        var form = new SubmitForm { Name = " web ", Image = "nginx:1.27", Command = "sleep  60", Cpu = "0.5", MemoryMb = "128" };

        var spec = JsonNode.Parse(form.ToJson())!;

        Assert.Equal("web", (string?)spec["name"]);
        Assert.Equal("nginx:1.27", (string?)spec["image"]);
        Assert.Equal(["sleep", "60"], spec["command"]!.AsArray().Select(w => (string?)w));
        Assert.Equal(0.5m, (decimal)spec["resources"]!["cpu"]!);
        Assert.Equal(128m, (decimal)spec["resources"]!["memoryMb"]!);
    }

    [Fact]
    public void A_job_carries_its_task_without_a_name_and_its_count()
    {
        var form = new SubmitForm { AsJob = true, JobName = "web", Name = "ignored", Image = "nginx", Count = "3" };

        var spec = JsonNode.Parse(form.ToJson())!;

        Assert.Equal(3m, (decimal)spec["count"]!);
        Assert.Equal("nginx", (string?)spec["task"]!["image"]);
        Assert.Null(spec["task"]!["name"]);
        Assert.Null(spec["task"]!["resources"]);
    }

    [Fact]
    public void A_number_that_does_not_read_as_one_is_sent_as_text_for_the_api_to_name()
    {
        var spec = JsonNode.Parse(new SubmitForm { Image = "nginx", Cpu = "lots" }.ToJson())!;

        Assert.Equal("lots", (string?)spec["resources"]!["cpu"]);
    }

    [Fact]
    public void The_api_names_a_task_field_inside_a_job_under_task()
    {
        Assert.Equal("resources.cpu", SubmitForm.Field(asJob: false, "resources.cpu"));
        Assert.Equal("task.image", SubmitForm.Field(asJob: true, "image"));
        Assert.Contains("task.image", SubmitForm.FormFields(asJob: true));
        Assert.DoesNotContain("task.image", SubmitForm.FormFields(asJob: false));
    }
}
