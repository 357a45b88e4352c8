// Each collection brings up a whole cluster (Postgres, RabbitMQ, five services, containers). On a two-core
// machine two of them at once starve each other into timeouts, so the collections run one after the other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
