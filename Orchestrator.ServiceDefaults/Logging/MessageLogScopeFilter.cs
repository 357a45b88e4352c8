using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Runs every consumer inside a <see cref="TaskLogScope"/> taken from its message: a message with a
/// <c>TaskId</c> or <c>NodeId</c> property (Guid or Guid?) names the task and node its consumer's logs are about.
/// </summary>
public sealed class MessageLogScopeFilter<T>(ILogger<MessageLogScopeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    private static readonly Func<T, Guid?>? ReadTaskId = IdProperty(TaskLogScope.TaskId);
    private static readonly Func<T, Guid?>? ReadNodeId = IdProperty(TaskLogScope.NodeId);

    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        using var scope = TaskLogScope.Begin(logger, ReadTaskId?.Invoke(context.Message), ReadNodeId?.Invoke(context.Message));
        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("taskLogScope");

    private static Func<T, Guid?>? IdProperty(string name) =>
        typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance) switch
        {
            { PropertyType: var type } property when type == typeof(Guid) => message => (Guid)property.GetValue(message)!,
            { PropertyType: var type } property when type == typeof(Guid?) => message => (Guid?)property.GetValue(message),
            _ => null,
        };
}
