using Kavach.Edge.Configuration;
using Npgsql;

namespace Kavach.Central.Configuration;

/// <summary><c>Database</c> section: the PostgreSQL database and how alerts are written to it.</summary>
public sealed class DatabaseOptions
{
    /// <summary>Npgsql connection string (required): <c>Host=…;Port=5432;Username=…;Database=kavach</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Most messages committed in one transaction (one multi-row insert per table).</summary>
    public int BatchMaxRows { get; set; } = 500;

    /// <summary>Longest a received message waits for its batch to fill before the batch is committed anyway.</summary>
    public int BatchMaxDelayMs { get; set; } = 20;

    /// <summary>Batches committed at the same time by one instance (each its own transaction and connection; rows are
    /// locked in key order, so two committers wait for each other rather than deadlock, as two instances do).</summary>
    public int Committers { get; set; } = 2;

    /// <summary>Monthly alert partitions created ahead of the current month (at start, then daily).</summary>
    public int PartitionMonthsAhead { get; set; } = 3;

    /// <summary>Alert partitions whose month ended more than this many months ago are dropped; 0 = keep for ever.</summary>
    public int RetentionMonths { get; set; } = 24;

    /// <summary>First delay before a failed commit is retried (doubling, with jitter).</summary>
    public int RetryMinMs { get; set; } = 200;

    /// <summary>Longest delay between retries of a failed commit.</summary>
    public int RetryMaxMs { get; set; } = 10_000;

    internal void Read(ConfigReader r)
    {
        ConnectionString = r.String("ConnectionString", "", allowEmpty: false);
        if (ConnectionString.Length == 0)
            r.Error("ConnectionString", "required (Host=…;Username=…;Database=…)");
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException e)
            {
                r.Error("ConnectionString", $"not a valid Npgsql connection string: {e.Message}");
            }
        }
        BatchMaxRows = r.Int("BatchMaxRows", BatchMaxRows, 1, 5000);
        BatchMaxDelayMs = r.Int("BatchMaxDelayMs", BatchMaxDelayMs, 0, 10_000);
        Committers = r.Int("Committers", Committers, 1, 16);
        PartitionMonthsAhead = r.Int("PartitionMonthsAhead", PartitionMonthsAhead, 1, 36);
        RetentionMonths = r.Int("RetentionMonths", RetentionMonths, 0, 1200);
        RetryMinMs = r.Int("RetryMinMs", RetryMinMs, 10, 60_000);
        RetryMaxMs = r.Int("RetryMaxMs", RetryMaxMs, RetryMinMs, 600_000);
    }
}
