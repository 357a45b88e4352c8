using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Orchestrator.WorkerAgent.Tests;

/// <summary>
/// The messages an assembly's code publishes, sends or answers with, read from its metadata: every call to
/// MassTransit's <c>Publish&lt;T&gt;</c>, <c>Send&lt;T&gt;</c> or <c>RespondAsync&lt;T&gt;</c> is an instantiation of that
/// method with the message type, wherever the call is (a consumer, a hosted service, a lambda, an async method).
/// A call that names no type (<c>Publish(object)</c>) is listed as untyped: its message cannot be known here. Calls to
/// the agent's own <see cref="SendReport"/> are listed too, with the report's type.
/// </summary>
public sealed record MessageCallSites(IReadOnlyList<(string Method, string MessageType)> Typed, IReadOnlyList<string> Untyped)
{
    private static readonly string[] Methods = ["Publish", "Send", "RespondAsync"];

    public IEnumerable<string> TypesOf(string method) =>
        Typed.Where(call => call.Method.StartsWith(method, StringComparison.Ordinal)).Select(call => call.MessageType).Distinct();

    public static MessageCallSites In(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var names = new TypeNames(metadata);

        var typed = new List<(string, string)>();
        for (var row = 1; row <= metadata.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            var specification = metadata.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row));
            var method = specification.Method.Kind switch
            {
                HandleKind.MemberReference => MassTransitMessageMethod(metadata, names, (MemberReferenceHandle)specification.Method),
                HandleKind.MethodDefinition => ReportSendingMethod(metadata, (MethodDefinitionHandle)specification.Method),
                _ => null,
            };
            if (method is null)
                continue;
            foreach (var argument in specification.DecodeSignature(names, null))
                typed.Add((method, argument));
        }

        var untyped = metadata.MemberReferences
            .Select(handle => (Handle: handle, Method: MassTransitMessageMethod(metadata, names, handle)))
            .Where(call => call.Method is not null
                && !metadata.GetBlobReader(metadata.GetMemberReference(call.Handle).Signature).ReadSignatureHeader().IsGeneric)
            .Select(call => call.Method!)
            .ToList();
        return new MessageCallSites(typed, untyped);
    }

    /// <summary>The agent's own generic sender of task reports, whose callers name the report's type.</summary>
    public const string SendReport = "Orchestrator.WorkerAgent.Reporting.TaskReportSending.SendReport";

    private static string? ReportSendingMethod(MetadataReader metadata, MethodDefinitionHandle handle)
    {
        var definition = metadata.GetMethodDefinition(handle);
        var owner = metadata.GetTypeDefinition(definition.GetDeclaringType());
        var name = $"{metadata.GetString(owner.Namespace)}.{metadata.GetString(owner.Name)}.{metadata.GetString(definition.Name)}";
        return name == SendReport ? name : null;
    }

    private static string? MassTransitMessageMethod(MetadataReader metadata, TypeNames names, MemberReferenceHandle handle)
    {
        var reference = metadata.GetMemberReference(handle);
        if (reference.GetKind() != MemberReferenceKind.Method)
            return null;
        var name = metadata.GetString(reference.Name);
        if (!Methods.Any(method => name.StartsWith(method, StringComparison.Ordinal)))
            return null;
        var owner = reference.Parent.Kind switch
        {
            HandleKind.TypeReference => names.GetTypeFromReference(metadata, (TypeReferenceHandle)reference.Parent, 0),
            HandleKind.TypeSpecification => metadata.GetTypeSpecification((TypeSpecificationHandle)reference.Parent).DecodeSignature(names, null),
            _ => "",
        };
        return owner.StartsWith("MassTransit.", StringComparison.Ordinal) ? $"{owner}.{name}" : null;
    }

    /// <summary>A type in a signature as its full name (generic arguments left off); a generic parameter as <c>!n</c>.</summary>
    private sealed class TypeNames(MetadataReader metadata) : ISignatureTypeProvider<string, object?>
    {
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var reference = reader.GetTypeReference(handle);
            var name = reader.GetString(reference.Name);
            return reference.ResolutionScope.Kind == HandleKind.TypeReference
                ? $"{GetTypeFromReference(reader, (TypeReferenceHandle)reference.ResolutionScope, rawTypeKind)}+{name}"
                : $"{reader.GetString(reference.Namespace)}.{name}";
        }

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var definition = reader.GetTypeDefinition(handle);
            return $"{reader.GetString(definition.Namespace)}.{reader.GetString(definition.Name)}";
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;
        public string GetGenericTypeParameter(object? genericContext, int index) => $"!{index}";
        public string GetGenericMethodParameter(object? genericContext, int index) => $"!!{index}";
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => $"System.{typeCode}";
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "method*";
    }
}
