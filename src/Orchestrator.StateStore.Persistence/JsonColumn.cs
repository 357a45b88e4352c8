using System.Runtime.CompilerServices;
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

    /// <summary>
    /// Stores the property as jsonb, and tracks it by its JSON: a copy of its JSON is its snapshot, and it has changed
    /// when its JSON has. For a value that may be changed in place.
    /// </summary>
    public static PropertyBuilder<T> HasJsonConversion<T>(this PropertyBuilder<T> property) where T : class? =>
        property.StoredAsJson(new ValueComparer<T>(
            (a, b) => JsonSerializer.Serialize(a, ContractJson.Options) == JsonSerializer.Serialize(b, ContractJson.Options),
            value => JsonSerializer.Serialize(value, ContractJson.Options).GetHashCode(),
            value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, ContractJson.Options), ContractJson.Options)!));

    /// <summary>
    /// Stores the property as jsonb, for a value the entity only ever replaces whole and nothing changes in place (an
    /// immutable record, or a list the entity's own methods assign anew): it is tracked by reference, so reading and
    /// saving the entity costs no serialization beyond the column's own. A task's spec is read with every task a
    /// transaction changes, and tracking it by its JSON (serialized for the snapshot, again for each comparison) was
    /// most of StateStore's JSON work.
    /// </summary>
    public static PropertyBuilder<T> HasReplacedWholeJsonConversion<T>(this PropertyBuilder<T> property) where T : class? =>
        property.StoredAsJson(new ValueComparer<T>(
            (a, b) => ReferenceEquals(a, b),
            value => value == null ? 0 : RuntimeHelpers.GetHashCode(value),
            value => value));

    private static PropertyBuilder<T> StoredAsJson<T>(this PropertyBuilder<T> property, ValueComparer<T> comparer) where T : class? =>
        property
            .HasColumnType("jsonb")
            .HasConversion(
                value => JsonSerializer.Serialize(value, ContractJson.Options),
                json => JsonSerializer.Deserialize<T>(json, ContractJson.Options)!,
                comparer);
}
