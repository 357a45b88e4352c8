using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli;

/// <summary>Lets commands take the console they write to, so that tests can capture it.</summary>
internal sealed class ServiceRegistrar(IAnsiConsole console) : ITypeRegistrar
{
    private readonly IServiceCollection _services = new ServiceCollection().AddSingleton(console);

    public void Register(Type service, Type implementation) => _services.AddSingleton(service, implementation);
    public void RegisterInstance(Type service, object implementation) => _services.AddSingleton(service, implementation);
    public void RegisterLazy(Type service, Func<object> factory) => _services.AddSingleton(service, _ => factory());
    public ITypeResolver Build() => new Resolver(_services.BuildServiceProvider());

    private sealed class Resolver(ServiceProvider provider) : ITypeResolver, IDisposable
    {
        public object? Resolve(Type? type) => type is null ? null : provider.GetService(type) ?? ActivatorUtilities.CreateInstance(provider, type);
        public void Dispose() => provider.Dispose();
    }
}
