using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.Contracts;

namespace Orchestrator.StateStore.Persistence;

/// <summary>Stores a property as jsonb, in the project's one JSON form (<see cref="ContractJson"/>).</summary>
public static class JsonColumn
{
    /// <summary>The text a value is stored as, for SQL that writes the column itself.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, ContractJson.Options);

    public static PropertyBuilder<T> HasJsonConversion<T>(this PropertyBuilder<T> property) where T : class? =>
        property
            .HasColumnType("jsonb")
            .HasConversion(
                value => JsonSerializer.Serialize(value, ContractJson.Options),
                json => JsonSerializer.Deserialize<T>(json, ContractJson.Options)!,
                new ValueComparer<T>(
                    (a, b) => JsonSerializer.Serialize(a, ContractJson.Options) == JsonSerializer.Serialize(b, ContractJson.Options),
                    value => JsonSerializer.Serialize(value, ContractJson.Options).GetHashCode(),
                    value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, ContractJson.Options), ContractJson.Options)!));
}
