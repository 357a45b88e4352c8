using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Tests;

public sealed class CatalogIndexTests
{
    [Fact]
    public void The_same_revisions_give_the_same_index() =>
        Assert.Equal(ServiceCatalogQueries.IndexOf(3, 30, 12), ServiceCatalogQueries.IndexOf(3, 30, 12));

    [Fact]
    public void A_change_to_any_part_gives_another_index_never_negative()
    {
        // A row that changed (sum and max move), one that left (count and sum), a late commit below the maximum (sum only).
        long[] indexes =
        [
            ServiceCatalogQueries.IndexOf(3, 30, 12),
            ServiceCatalogQueries.IndexOf(3, 31, 13),
            ServiceCatalogQueries.IndexOf(2, 18, 12),
            ServiceCatalogQueries.IndexOf(3, 35, 12),
            ServiceCatalogQueries.IndexOf(0, 0, 0),
        ];

        Assert.Equal(indexes.Length, indexes.Distinct().Count());
        Assert.All(indexes, index => Assert.True(index >= 0));
    }
}
