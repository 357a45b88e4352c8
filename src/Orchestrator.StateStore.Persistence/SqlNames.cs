using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Orchestrator.StateStore.Persistence;

/// <summary>
/// Tables and columns as EF Core's model maps them, quoted for SQL, for the few statements StateStore writes in SQL
/// for speed. The statements take every name from here, so a renamed property fails to compile (the path is a
/// <c>nameof</c>), a renamed column is followed, and a name the model does not map throws when the statement is
/// first built (and in StateStore's unit tests), not in a heartbeat.
/// </summary>
public static class SqlNames
{
    /// <summary>The entity's table with its schema, e.g. <c>orchestrator."nodes"</c>.</summary>
    public static string Table<TEntity>(this IModel model)
    {
        var entity = Entity<TEntity>(model);
        return $"{entity.GetSchema()}.\"{entity.GetTableName()}\"";
    }

    /// <summary>
    /// The column that stores the property at <paramref name="path"/>: a property of the entity, or of a complex
    /// property's type (<c>Capacity</c>, <c>Cpu</c>), e.g. <c>"Capacity_Cpu"</c>.
    /// </summary>
    public static string Column<TEntity>(this IModel model, params string[] path)
    {
        var entity = Entity<TEntity>(model);
        IReadOnlyTypeBase type = entity;
        foreach (var complex in path[..^1])
            type = type.FindComplexProperty(complex)?.ComplexType
                ?? throw new InvalidOperationException($"{type.DisplayName()} has no complex property {complex} in the model.");
        var property = type.FindProperty(path[^1])
            ?? throw new InvalidOperationException($"{type.DisplayName()} has no property {path[^1]} in the model.");
        // Named for the table: a complex property's column carries its prefix ("Capacity_Cpu") only there.
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return $"\"{property.GetColumnName(table)}\"";
    }

    /// <summary>The longest text the property's column holds.</summary>
    public static int MaxLength<TEntity>(this IModel model, string property) =>
        Entity<TEntity>(model).FindProperty(property)?.GetMaxLength()
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{property} has no maximum length in the model.");

    private static IEntityType Entity<TEntity>(IModel model) =>
        model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
}
