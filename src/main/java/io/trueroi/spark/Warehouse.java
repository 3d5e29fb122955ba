package io.trueroi.spark;

import io.trueroi.catalog.Table;
import io.trueroi.catalog.TableDocs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The Delta warehouse: every table lives at {@code <root>/<layer>/<table>} and is registered in the
 * session catalog as {@code <layer>.<table>}, so analysts query it by name.
 *
 * <p>Each write here is one Delta transaction: a replace of a predicate's rows (replaceWhere) or
 * an append. Nothing is half-written: a failed write leaves the previous version readable.
 *
 * <p>Delta keeps per-file minimum and maximum values of the columns named by the table property
 * {@value #STATS_COLUMNS}; every write here sets it to the table's date, time and number columns
 * ({@link #statsColumns}). A table written before that rule gets the property in one metadata
 * commit (ALTER TABLE) before its next write; the write itself is still one transaction.
 *
 * <p>Each table's CHECK constraints ({@link Table#constraints()}) are set in the commit that
 * creates it; a table created before them gets each in one {@code ADD CONSTRAINT} commit before its
 * next write. Delta checks them on every write: one that breaks a constraint fails whole, naming it.
 */
public final class Warehouse {
    /** The Delta table property naming the columns whose per-file min/max Delta keeps. */
    public static final String STATS_COLUMNS = "delta.dataSkippingStatsColumns";

    /** Delta keeps each CHECK constraint as a table property of this prefix and its name. */
    static final String CONSTRAINT_PREFIX = "delta.constraints.";
    /** The table property Delta keeps as the table's comment (its description). */
    static final String TABLE_COMMENT = "comment";

    private static final int CREATE_ATTEMPTS = 10;

    /** Delta's session setting whose value every commit of the session carries as its userMetadata. */
    public static final String COMMIT_TAG = "spark.databricks.delta.commitInfo.userMetadata";

    private final SparkSession spark;
    private final String root;
    /** What a stage may read, when this is a stage's view of the warehouse; null otherwise. */
    private final StageReads reads;

    private Warehouse(SparkSession spark, String qualifiedRoot, StageReads reads) {
        this.spark = spark;
        this.root = qualifiedRoot;
        this.reads = reads;
    }

    public Warehouse(SparkSession spark, String root) {
        this.spark = spark;
        this.reads = null;
        // Qualified once (file:/abs/path or s3a://...), so catalog locations never depend on the
        // catalog's own warehouse directory.
        Path p = new Path(root);
        try {
            String q = p.getFileSystem(spark.sparkContext().hadoopConfiguration())
                    .makeQualified(p)
                    .toString();
            this.root = q.endsWith("/") ? q.substring(0, q.length() - 1) : q;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open warehouse " + root, e);
        }
    }

    public String root() {
        return root;
    }

    /**
     * This warehouse on a clone of its session with one setting changed, for a stage that needs the
     * setting: what the stage builds on the clone sees it, and the session every other stage shares
     * does not (Spark's cached data and catalog are shared by both sessions).
     */
    public Warehouse withSessionSetting(String key, String value) {
        SparkSession clone = ((org.apache.spark.sql.classic.SparkSession) spark).cloneSession();
        clone.conf().set(key, value);
        return new Warehouse(clone, root, reads);
    }

    /**
     * This warehouse as one stage sees it: a read of a table outside {@code reads} fails, and the
     * version of each table read is kept ({@link StageReads}).
     */
    public Warehouse forStage(StageReads stageReads) {
        return new Warehouse(spark, root, stageReads);
    }

    /** The tag this warehouse's commits carry ({@link #withCommitTag}), or null. */
    private String commitTag() {
        return spark.conf().getOption(COMMIT_TAG).getOrElse(() -> null);
    }

    /** What this stage's view read so far; null for the warehouse itself. */
    public StageReads reads() {
        return reads;
    }

    /**
     * This warehouse on a clone of its session whose every Delta commit carries {@code tag} (a run
     * id) as its userMetadata: how a rollback tells this run's commits from another run's.
     */
    public Warehouse withCommitTag(String tag) {
        return withSessionSetting(COMMIT_TAG, tag);
    }

    public SparkSession spark() {
        return spark;
    }

    public String path(Table table) {
        return path(table.layer().id(), table.tableName());
    }

    private String path(String layer, String table) {
        return root + "/" + layer + "/" + table;
    }

    public boolean exists(Table table) {
        // A first write that failed (a broken constraint, say) can leave the log folder without a
        // commit: no table yet.
        return logFolderExists(table) && snapshot(table).version() >= 0;
    }

    private boolean logFolderExists(Table table) {
        Path log = new Path(path(table) + "/_delta_log");
        try {
            return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check table " + path(table), e);
        }
    }

    public Dataset<Row> read(Table table) {
        if (reads != null) {
            reads.check(table, this::version);
        }
        return spark.read().format("delta").load(path(table));
    }

    /**
     * Replaces the rows matching {@code predicate} with {@code data} in one transaction (creating
     * the table on first write). Every row of data must match the predicate; Delta checks it.
     */
    public void replace(Dataset<Row> data, Table table, String predicate, List<String> partitionBy) {
        if (!exists(table)) {
            create(data, table, partitionBy);
            return;
        }
        // A column the code added since the table was made (a reader's new optional column) joins
        // it here; the rows of earlier versions read it as null.
        writer(data, table, SaveMode.Overwrite, partitionBy)
                .option("replaceWhere", predicate)
                .option("mergeSchema", "true")
                .save(path(table));
        register(table);
    }

    /**
     * The values of the partition column {@code column} whose rows the table's commits after
     * {@code version} changed ({@link TableChanges}); empty when its log cannot tell, and then the
     * caller reads the table whole. Counts as a read of the table by a stage.
     */
    public java.util.Optional<java.util.Set<String>> partitionsChangedSince(Table table, long version, String column) {
        if (reads != null) {
            reads.check(table, this::version);
        }
        if (version < 0 || !exists(table)) {
            return java.util.Optional.empty();
        }
        return TableChanges.partitions(spark, path(table), version, column);
    }

    /**
     * Brings the rows of some keys to what {@code rows} holds, in one overwrite of the whole table:
     * its rows whose key is neither in {@code rows} nor in {@code removed}, and {@code rows}. The
     * key must be unique in {@code rows}. Cost: one read of the table, a shuffle of it against the
     * keys (a broadcast when they are few), one write; a MERGE read every file twice where a night's
     * keys lie in every file (docs/performance.md).
     */
    public void replaceKeys(Dataset<Row> rows, Dataset<Row> removed, Table table, List<String> key) {
        if (!exists(table)) {
            create(rows, table, List.of());
            return;
        }
        String[] k = key.toArray(new String[0]);
        var keySeq = scala.jdk.javaapi.CollectionConverters.asScala(key).toSeq();
        Dataset<Row> replaced =
                rows.selectExpr(k).unionByName(removed.selectExpr(k)).distinct();
        Dataset<Row> kept = read(table).join(replaced, keySeq, "left_anti");
        overwrite(kept.unionByName(rows), table);
    }

    /** The table's latest version, or -1 when it does not exist. */
    public long version(Table table) {
        if (!exists(table)) {
            return -1;
        }
        return snapshot(table).version();
    }

    /** How many data files the table's latest version holds (from its log, without a Spark job). */
    public long snapshotFiles(Table table) {
        return snapshot(table).numOfFiles();
    }

    /** The table's latest snapshot: its log read up to the last commit, without a Spark job. */
    private org.apache.spark.sql.delta.Snapshot snapshot(Table table) {
        return org.apache.spark.sql.delta.DeltaLog.forTable(spark, new Path(path(table)))
                .update(false, scala.Option.empty(), scala.Option.empty());
    }

    /**
     * Rows the commit after {@code versionBefore} wrote (Delta's {@code numOutputRows} operation
     * metric): what a write just kept, read from the log instead of scanning the data again. Zero
     * when the write made no commit (Delta skips one that would neither add nor remove a file).
     */
    public long rowsWrittenSince(Table table, long versionBefore) {
        Row last = io.delta.tables.DeltaTable.forPath(spark, path(table))
                .history(1)
                .selectExpr("version", "operationMetrics['numOutputRows']")
                .first();
        if (last.getLong(0) == versionBefore) {
            return 0;
        }
        if (last.isNullAt(1)) {
            throw new IllegalStateException("the latest commit of " + table + " reports no numOutputRows");
        }
        return Long.parseLong(last.getString(1));
    }

    /** Replaces the whole table in one transaction (readers of the old version are unaffected). */
    public void overwrite(Dataset<Row> data, Table table) {
        overwrite(data, table, List.of());
    }

    /** {@link #overwrite(Dataset, Table)}, partitioned by these columns. */
    public void overwrite(Dataset<Row> data, Table table, List<String> partitionBy) {
        if (!exists(table)) {
            create(data, table, partitionBy);
            return;
        }
        // A column the code added since the table was made (a mart's new column) joins it; a changed
        // type or a dropped column still fails: that needs a migration, not a silent rewrite.
        writer(data, table, SaveMode.Overwrite, partitionBy)
                .option("overwriteSchema", "false")
                .option("mergeSchema", "true")
                .save(path(table));
        register(table);
    }

    /**
     * Inserts the rows whose key (these columns) is not in the table yet, in one MERGE transaction;
     * rows already there are left as they are, so inserting the same rows twice changes nothing.
     */
    public void insertNew(Dataset<Row> data, Table table, String... key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("the key must name at least one column, cannot be: []");
        }
        if (!exists(table)) {
            create(data, table, List.of());
        } else {
            keepTableProperties(table, data.schema());
            String on = Arrays.stream(key).map(k -> "t." + k + " <=> s." + k).collect(Collectors.joining(" AND "));
            io.delta.tables.DeltaTable.forPath(spark, path(table))
                    .as("t")
                    .merge(data.as("s"), on)
                    .whenNotMatched()
                    .insertAll()
                    .execute();
        }
        register(table);
    }

    /**
     * Appends the rows whose key (these columns) is not in the table yet, in one blind append: what
     * {@link #insertNew} does without a MERGE's several jobs, for a table one run at a time writes
     * (the run lock sees to that). Appending the same rows twice changes nothing.
     */
    public void appendNew(Dataset<Row> data, Table table, String... key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("the key must name at least one column, cannot be: []");
        }
        if (!exists(table)) {
            create(data, table, List.of());
            return;
        }
        Dataset<Row> known = read(table).selectExpr(key).distinct();
        Dataset<Row> fresh = data.join(
                known,
                scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(key))
                        .toSeq(),
                "left_anti");
        append(fresh, table);
    }

    /** Deletes the rows matching {@code predicate} in one transaction; nothing if the table does not exist. */
    public void delete(Table table, String predicate) {
        if (exists(table)) {
            io.delta.tables.DeltaTable.forPath(spark, path(table)).delete(predicate);
        }
    }

    /**
     * Creates the table empty with this schema and these table properties ({@code 'k' = 'v', ...})
     * unless it exists; a concurrent creation of the same table is not an error.
     */
    public void createIfAbsent(Table table, StructType schema, String properties) {
        String stats = statsColumns(schema, List.of());
        String all = stats == null ? properties : properties + ", '" + STATS_COLUMNS + "' = '" + stats + "'";
        // Two runs may create it at once: the one that finds the other's files half-written waits
        // for its commit.
        for (int attempt = 1; !exists(table); attempt++) {
            try {
                spark.sql("CREATE TABLE IF NOT EXISTS delta.`" + path(table).replace("`", "``") + "` ("
                        + TableDocs.withComments(table, schema).toDDL() + ") USING delta COMMENT "
                        + sqlString(TableDocs.comment(table)) + " TBLPROPERTIES (" + all + ")");
            } catch (Exception e) { // Delta's AnalysisException is checked in Java, thrown unchecked from Scala
                RuntimeException unchecked =
                        e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
                if (attempt >= CREATE_ATTEMPTS) {
                    throw unchecked;
                }
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw unchecked;
                }
            }
        }
        register(table);
    }

    /**
     * Puts the table back to {@code version} in one transaction (Delta's RESTORE); a table that did
     * not exist then ({@code version < 0}) is removed. Later versions stay in the log, so time
     * travel still shows what was undone.
     */
    public void restore(Table table, long version) {
        if (version < 0) {
            Path p = new Path(path(table));
            try {
                p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove table " + p, e);
            }
            return;
        }
        spark.sql("RESTORE TABLE delta.`" + path(table).replace("`", "``") + "` TO VERSION AS OF " + version);
    }

    /**
     * Puts back only the rows matching {@code slice} as they were at {@code version}, in one
     * transaction, leaving every other row as it is now: how a run undoes its share of a table
     * others wrote to after it. Nothing there then ({@code version < 0}) deletes the slice.
     */
    public void restoreSlice(Table table, String slice, long version) {
        if (version < 0) {
            delete(table, slice);
            return;
        }
        Dataset<Row> then = spark.read()
                .format("delta")
                .option("versionAsOf", version)
                .load(path(table))
                .filter(slice);
        writer(then, table, SaveMode.Overwrite, List.of())
                .option("replaceWhere", slice)
                .save(path(table));
    }

    /** One commit of a table: its version and the tag of the run that made it ({@link #COMMIT_TAG}). */
    public record Commit(long version, String tag, String operation) {}

    /** The table's commits after {@code version}, newest first (its log's commit infos, no Spark job). */
    public List<Commit> commitsAfter(Table table, long version) {
        long latest = version(table);
        if (latest <= version) {
            return List.of();
        }
        return io.delta.tables.DeltaTable.forPath(spark, path(table))
                .history((int) Math.min(Integer.MAX_VALUE, latest - Math.max(version, -1)))
                .select("version", "userMetadata", "operation")
                .collectAsList()
                .stream()
                .filter(r -> r.getLong(0) > version)
                .map(r -> new Commit(r.getLong(0), r.isNullAt(1) ? null : r.getString(1), r.getString(2)))
                .toList();
    }

    /** Appends in one transaction (a blind append never conflicts with concurrent appends). */
    public void append(Dataset<Row> data, Table table) {
        if (!exists(table)) {
            create(data, table, List.of());
            return;
        }
        // A column added to a runner's row (ops.job_runs) joins the table on its first append.
        writer(data, table, SaveMode.Append, List.of())
                .option("mergeSchema", "true")
                .save(path(table));
        register(table);
    }

    /**
     * Creates the table with {@code data} in one commit (Delta's CREATE TABLE AS SELECT), with
     * everything the table carries from its first version: the comments of {@link TableDocs}, the
     * statistics columns ({@link #statsColumns}) and the constraints ({@link Table#constraints()}),
     * so its first rows are checked too. Fails if the table exists.
     */
    private void create(Dataset<Row> given, Table table, List<String> partitionBy) {
        // Delta's CREATE takes its commit's tag from the session of the data, not from an option.
        Dataset<Row> data = onThisSession(given);
        StructType schema = data.schema();
        var writer = data.to(TableDocs.withComments(table, schema))
                .writeTo("delta.`" + path(table).replace("`", "``") + "`")
                .using("delta")
                .tableProperty(TABLE_COMMENT, TableDocs.comment(table));
        String stats = statsColumns(schema, partitionBy);
        if (stats != null) {
            writer = writer.tableProperty(STATS_COLUMNS, stats);
        }
        for (Table.Constraint c : constraints(table, schema)) {
            writer = writer.tableProperty(CONSTRAINT_PREFIX + c.name(), c.condition());
        }
        if (!partitionBy.isEmpty()) {
            Column[] rest = partitionBy.stream().skip(1).map(functions::col).toArray(Column[]::new);
            writer = writer.partitionedBy(functions.col(partitionBy.get(0)), rest);
        }
        try {
            if (logFolderExists(table)) {
                // What a failed first write left (a log folder, no commit): Delta counts the path
                // as taken for CREATE, so replace the nothing that is there.
                writer.createOrReplace();
            } else {
                writer.create();
            }
        } catch (Exception e) { // TableAlreadyExistsException is checked in Java, thrown unchecked from Scala
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
        register(table);
    }

    /**
     * A Delta writer into the existing table, whose properties ({@link #keepTableProperties}) are
     * brought up to date first.
     */
    private DataFrameWriter<Row> writer(Dataset<Row> data, Table table, SaveMode mode, List<String> partitionBy) {
        keepTableProperties(table, data.schema());
        var writer = data.write().format("delta").mode(mode);
        // The data may come from another session than this one, whose tag the write would carry.
        String tag = commitTag();
        if (tag != null) {
            writer = writer.option("userMetadata", tag);
        }
        if (!partitionBy.isEmpty()) {
            writer = writer.partitionBy(partitionBy.toArray(new String[0]));
        }
        return writer;
    }

    /**
     * Sets the existing table's statistics columns for data of this schema, unless already set.
     * The property is read from the snapshot's metadata (the log's latest checksum file), which
     * the write loads anyway; {@code DESCRIBE DETAIL} would also aggregate every file's size in a
     * job of its own.
     */
    private void keepTableProperties(Table table, StructType schema) {
        String location = path(table);
        var metadata = snapshot(table).metadata();
        // A table created before its constraints were declared gets them once; adding one checks
        // the rows already there.
        for (Table.Constraint c : constraints(table, schema)) {
            if (metadata.configuration().get(CONSTRAINT_PREFIX + c.name()).isEmpty()) {
                try {
                    spark.sql("ALTER TABLE delta.`" + location.replace("`", "``") + "` ADD CONSTRAINT " + c.name()
                            + " CHECK (" + c.condition() + ")");
                } catch (Exception e) { // Delta's AnalysisException is checked in Java, thrown unchecked from Scala
                    // Delta's message names the condition only; this one, not its cause, is what the
                    // command line shows.
                    IllegalStateException named = new IllegalStateException(
                            "cannot add constraint " + c.name() + " to " + table + ": " + e.getMessage());
                    named.addSuppressed(e);
                    throw named;
                }
            }
        }
        List<String> changed = new java.util.ArrayList<>();
        // Only columns the table has yet: Delta refuses a statistics column it cannot find, and a
        // column this write adds (mergeSchema) joins the list on the next write.
        List<String> existing = Arrays.asList(metadata.schema().fieldNames());
        StructType known = new StructType(Arrays.stream(schema.fields())
                .filter(f -> existing.contains(f.name()))
                .toArray(StructField[]::new));
        String stats = statsColumns(known, scala.jdk.javaapi.CollectionConverters.asJava(metadata.partitionColumns()));
        String current = metadata.configuration().get(STATS_COLUMNS).getOrElse(() -> null);
        if (stats != null && !stats.equals(current)) {
            changed.add(sqlString(STATS_COLUMNS) + " = " + sqlString(stats));
        }
        String comment = TableDocs.comment(table);
        if (!comment.equals(metadata.description())) {
            changed.add(sqlString(TABLE_COMMENT) + " = " + sqlString(comment));
        }
        String sqlName = "delta.`" + location.replace("`", "``") + "`";
        if (!changed.isEmpty()) {
            spark.sql("ALTER TABLE " + sqlName + " SET TBLPROPERTIES (" + String.join(", ", changed) + ")");
        }
        // Column comments: set when the table is created; a table created before them (or whose
        // meaning changed) gets one commit per column, once.
        Map<String, String> meanings = TableDocs.columns(table);
        for (StructField f : metadata.schema().fields()) {
            String meaning = meanings.get(f.name());
            String has = f.getComment().getOrElse(() -> null);
            if (meaning != null && !meaning.equals(has)) {
                spark.sql("ALTER TABLE " + sqlName + " ALTER COLUMN `"
                        + f.name().replace("`", "``") + "` COMMENT " + sqlString(meaning));
            }
        }
    }

    /** The data's plan on this warehouse's session (the same rows; this session's settings apply). */
    private Dataset<Row> onThisSession(Dataset<Row> data) {
        if (data.sparkSession() == spark) {
            return data;
        }
        return org.apache.spark.sql.classic.Dataset.ofRows(
                (org.apache.spark.sql.classic.SparkSession) spark,
                ((org.apache.spark.sql.classic.Dataset<Row>) data).logicalPlan());
    }

    /** A Spark SQL string literal of {@code s}. */
    static String sqlString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The table's constraints whose columns this data has (a test's table of other columns has none). */
    private static List<Table.Constraint> constraints(Table table, StructType schema) {
        List<String> names = Arrays.asList(schema.fieldNames());
        return table.constraints().stream()
                .filter(c -> names.containsAll(c.columns()))
                .toList();
    }

    /**
     * The columns worth Delta's per-file min/max statistics, comma-separated, or null when none is
     * (the property is then left unset, and Delta's default, the first 32 columns, applies):
     * the top-level date, timestamp and number columns that are not partition columns (those have
     * no statistics). Range filters on dates, times and amounts skip files with them. Strings are
     * left out: ids, hashes and channel names are spread over every file, so their minimum and
     * maximum skip nothing, and computing them copies every value (docs/performance.md).
     */
    static String statsColumns(StructType schema, List<String> partitionBy) {
        String columns = Arrays.stream(schema.fields())
                .filter(f -> !partitionBy.contains(f.name()))
                .filter(Warehouse::rangeType)
                .map(StructField::name)
                .collect(Collectors.joining(","));
        return columns.isEmpty() ? null : columns;
    }

    private static boolean rangeType(StructField f) {
        var t = f.dataType();
        // NumericType covers decimals too.
        return t instanceof NumericType
                || t instanceof DateType
                || t instanceof TimestampType
                || t instanceof TimestampNTZType;
    }

    /** Makes {@code layer.table} resolvable in Spark SQL for this session. */
    public void register(Table table) {
        register(table.layer().id(), table.tableName());
    }

    private void register(String layer, String table) {
        if (!spark.catalog().databaseExists(layer)) {
            spark.sql("CREATE SCHEMA IF NOT EXISTS " + layer);
        }
        // A name left pointing at another location (a session that opened another warehouse, or a
        // table that moved) is repointed. It is dropped through the session catalog, which only
        // forgets the name: the table is external, and Delta's own DROP would first try to load the
        // old location, which may be gone.
        var catalog = ((org.apache.spark.sql.classic.SparkSession) spark)
                .sessionState()
                .catalog();
        var ident = new org.apache.spark.sql.catalyst.TableIdentifier(table, scala.Option.apply(layer));
        // Two threads of one session (two runs racing for the lock in one JVM) would both find the
        // name free and the second CREATE would fail: the check and the create are one step.
        synchronized (catalog) {
            registerOnce(catalog, ident, layer, table);
        }
    }

    private void registerOnce(
            org.apache.spark.sql.catalyst.catalog.SessionCatalog catalog,
            org.apache.spark.sql.catalyst.TableIdentifier ident,
            String layer,
            String table) {
        if (catalog.tableExists(ident)) {
            try {
                if (catalog.getTableMetadata(ident).location().equals(qualified(layer, table))) {
                    return;
                }
            } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException
                    | org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException e) {
                // gone meanwhile: register below
            }
            catalog.dropTable(ident, true, false);
        }
        spark.sql("CREATE TABLE IF NOT EXISTS " + layer + "." + table + " USING delta LOCATION '"
                + path(layer, table).replace("'", "\\'") + "'");
    }

    private java.net.URI qualified(String layer, String table) {
        Path p = new Path(path(layer, table));
        try {
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration())
                    .makeQualified(p)
                    .toUri();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve table path " + p, e);
        }
    }

    /** Registers every Delta table found under the warehouse (a fresh session knows no names). */
    public void registerAll() {
        Path rootPath = new Path(root);
        try {
            FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(rootPath)) {
                return;
            }
            for (FileStatus layer : fs.listStatus(rootPath)) {
                if (!layer.isDirectory()) {
                    continue;
                }
                for (FileStatus table : fs.listStatus(layer.getPath())) {
                    if (table.isDirectory() && fs.exists(new Path(table.getPath(), "_delta_log"))) {
                        register(layer.getPath().getName(), table.getPath().getName());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list warehouse " + root, e);
        }
    }
}
