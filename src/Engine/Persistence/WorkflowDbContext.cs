using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>The workflow store: definitions and their versions, runs, activity attempts, backfills, interval claims.</summary>
public class WorkflowDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<DefinitionVersionRecord> DefinitionVersions => Set<DefinitionVersionRecord>();

    public DbSet<WorkflowStateRecord> WorkflowStates => Set<WorkflowStateRecord>();

    public DbSet<RunRecord> Runs => Set<RunRecord>();

    public DbSet<ActivityRecord> ActivityRecords => Set<ActivityRecord>();

    public DbSet<BackfillRecord> Backfills => Set<BackfillRecord>();

    public DbSet<IntervalClaimRecord> IntervalClaims => Set<IntervalClaimRecord>();

    public DbSet<AuditRecord> Audit => Set<AuditRecord>();

    public DbSet<RunOperationRecord> RunOperations => Set<RunOperationRecord>();

    public DbSet<DeadlineMissRecord> DeadlineMisses => Set<DeadlineMissRecord>();

    public DbSet<MissedAlertRecord> MissedAlerts => Set<MissedAlertRecord>();

    public DbSet<NotificationOutboxRecord> NotificationOutbox => Set<NotificationOutboxRecord>();

    public DbSet<AssetEventRecord> AssetEvents => Set<AssetEventRecord>();

    public DbSet<AssetConsumptionRecord> AssetConsumptions => Set<AssetConsumptionRecord>();

    public DbSet<NodeRecord> Nodes => Set<NodeRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every instant is UTC; SQLite hands DateTime back as Kind=Unspecified, so say so on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DefinitionVersionRecord>(e =>
        {
            e.ToTable("definition_versions");
            e.HasKey(x => new { x.WorkflowId, x.Version });
            e.Property(x => x.WorkflowId).HasMaxLength(100);
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.Property(x => x.Origin).HasMaxLength(16);
        });
        modelBuilder.Entity<WorkflowStateRecord>(e =>
        {
            e.ToTable("workflow_states");
            e.HasKey(x => x.WorkflowId);
            e.Property(x => x.WorkflowId).HasMaxLength(100);
            e.Property(x => x.LastImportedFileHash).HasMaxLength(64);
        });
        modelBuilder.Entity<RunRecord>(e =>
        {
            e.ToTable("runs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(32);
            e.Property(x => x.WorkflowId).HasMaxLength(100);
            e.Property(x => x.BackfillId).HasMaxLength(32);
            e.Property(x => x.RetryOf).HasMaxLength(32);
            e.Property(x => x.ParentRunId).HasMaxLength(32);
            e.Property(x => x.TraceId).HasMaxLength(32);
            e.Property(x => x.Node).HasMaxLength(100);
            // Listing pages walk these: newest runs of a workflow, runs by status, runs of a logical time.
            e.HasIndex(x => new { x.WorkflowId, x.Id });
            e.HasIndex(x => new { x.WorkflowId, x.LogicalTime });
            e.HasIndex(x => new { x.Status, x.Id });
            e.HasIndex(x => x.BackfillId);
            e.HasIndex(x => x.ParentRunId);
            e.HasIndex(x => x.CreatedAt);
        });
        modelBuilder.Entity<ActivityRecord>(e =>
        {
            e.ToTable("activity_records");
            e.HasKey(x => new { x.RunId, x.ActivityId, x.Attempt });
            e.Property(x => x.RunId).HasMaxLength(32);
            e.Property(x => x.ActivityId).HasMaxLength(100);
            e.Property(x => x.ReusedFrom).HasMaxLength(32);
            e.Property(x => x.ActivityType).HasMaxLength(100);
        });
        modelBuilder.Entity<BackfillRecord>(e =>
        {
            e.ToTable("backfills");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(32);
            e.Property(x => x.WorkflowId).HasMaxLength(100);
            e.HasIndex(x => new { x.WorkflowId, x.Id });
        });
        modelBuilder.Entity<IntervalClaimRecord>(e =>
        {
            e.ToTable("interval_claims");
            e.HasKey(x => new { x.WorkflowId, x.IntervalStart });
            e.Property(x => x.WorkflowId).HasMaxLength(100);
            e.Property(x => x.Node).HasMaxLength(100);
            e.HasIndex(x => x.ClaimedAt);
        });
        modelBuilder.Entity<AuditRecord>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(x => x.Id);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.Address).HasMaxLength(64);
            e.Property(x => x.Action).HasMaxLength(40);
            e.Property(x => x.Target).HasMaxLength(200);
            e.Property(x => x.Outcome).HasMaxLength(20);
            e.HasIndex(x => x.At);
            e.HasIndex(x => new { x.Actor, x.Id });
        });
        modelBuilder.Entity<RunOperationRecord>(e =>
        {
            e.ToTable("run_operations");
            e.HasKey(x => x.Id);
            e.Property(x => x.RunId).HasMaxLength(32);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.Kind).HasMaxLength(20);
            e.Property(x => x.ActivityId).HasMaxLength(100);
            e.Property(x => x.Status).HasMaxLength(40);
            e.Property(x => x.NewRunId).HasMaxLength(32);
            e.HasIndex(x => new { x.RunId, x.Id });
        });
        modelBuilder.Entity<DeadlineMissRecord>(e =>
        {
            e.ToTable("deadline_misses");
            e.HasKey(x => new { x.WorkflowId, x.IntervalStart });
            e.Property(x => x.WorkflowId).HasMaxLength(100);
            e.Property(x => x.RunId).HasMaxLength(32);
            e.Property(x => x.RunStatus).HasMaxLength(16);
            e.HasIndex(x => x.RaisedAt);
        });
        modelBuilder.Entity<MissedAlertRecord>(e =>
        {
            e.ToTable("missed_alerts");
            e.HasKey(x => new { x.WorkflowId, x.MinuteStart });
            e.Property(x => x.WorkflowId).HasMaxLength(100);
            e.Property(x => x.Reasons).HasMaxLength(2000);
        });
        modelBuilder.Entity<NotificationOutboxRecord>(e =>
        {
            e.ToTable("notification_outbox");
            e.HasKey(x => x.EventId);
            e.Property(x => x.EventId).HasMaxLength(200);
            e.Property(x => x.WorkflowId).HasMaxLength(100);
            e.Property(x => x.RunId).HasMaxLength(32);
            e.Property(x => x.Event).HasMaxLength(20);
            e.HasIndex(x => new { x.CompletedAt, x.CreatedAt });
        });
        modelBuilder.Entity<AssetEventRecord>(e =>
        {
            e.ToTable("asset_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.Asset).HasMaxLength(200);
            e.Property(x => x.WorkflowId).HasMaxLength(100);
            e.Property(x => x.RunId).HasMaxLength(32);
            e.Property(x => x.ActivityId).HasMaxLength(200);
            e.HasIndex(x => new { x.Asset, x.Id });
            // One event per asset an activity of a run produced: recording again (a resumed run, the start-up recovery
            // of events a crash kept from being written) adds nothing.
            e.HasIndex(x => new { x.RunId, x.ActivityId, x.Asset }).IsUnique();
            e.HasIndex(x => x.CreatedAt);
        });
        modelBuilder.Entity<NodeRecord>(e =>
        {
            e.ToTable("nodes");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(100);
        });
        modelBuilder.Entity<AssetConsumptionRecord>(e =>
        {
            e.ToTable("asset_consumptions");
            e.HasKey(x => new { x.WorkflowId, x.EventId });
            e.Property(x => x.WorkflowId).HasMaxLength(100);
            e.Property(x => x.Asset).HasMaxLength(200);
            e.Property(x => x.RunId).HasMaxLength(32);
            e.HasIndex(x => x.RunId);
            e.HasIndex(x => x.EventId);
            e.HasIndex(x => x.ConsumedAt);
        });
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
