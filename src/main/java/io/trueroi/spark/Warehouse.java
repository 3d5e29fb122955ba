package io.trueroi.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The Delta warehouse: every table lives at {@code <root>/<layer>/<table>} and is registered in the
 * session catalog as {@code <layer>.<table>}, so analysts query it by name.
 *
 * <p>Each write here is one Delta transaction: a replace of a predicate's rows (replaceWhere) or
 * an append. Nothing is half-written: a failed write leaves the previous version readable.
 */
public final class Warehouse {
  private final SparkSession spark;
  private final String root;

  public Warehouse(SparkSession spark, String root) {
    this.spark = spark;
    // Qualified once (file:/abs/path or s3a://...), so catalog locations never depend on the
    // catalog's own warehouse directory.
    Path p = new Path(root);
    try {
      String q = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
      this.root = q.endsWith("/") ? q.substring(0, q.length() - 1) : q;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open warehouse " + root, e);
    }
  }

  public String root() {
    return root;
  }

  public SparkSession spark() {
    return spark;
  }

  public String path(String layer, String table) {
    return root + "/" + layer + "/" + table;
  }

  public boolean exists(String layer, String table) {
    Path log = new Path(path(layer, table) + "/_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.exists(log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check table " + path(layer, table), e);
    }
  }

  public Dataset<Row> read(String layer, String table) {
    return spark.read().format("delta").load(path(layer, table));
  }

  /**
   * Replaces the rows matching {@code predicate} with {@code data} in one transaction (creating
   * the table on first write). Every row of data must match the predicate; Delta checks it.
   */
  public void replace(Dataset<Row> data, String layer, String table, String predicate, List<String> partitionBy) {
    var writer = data.write().format("delta").mode(SaveMode.Overwrite);
    if (exists(layer, table)) {
      writer = writer.option("replaceWhere", predicate);
    }
    if (!partitionBy.isEmpty()) {
      writer = writer.partitionBy(partitionBy.toArray(new String[0]));
    }
    writer.save(path(layer, table));
    register(layer, table);
  }

  /**
   * Rows the table's latest commit wrote (Delta's {@code numOutputRows} operation metric): what a
   * replace just kept, read from the log instead of scanning the data again.
   */
  public long lastCommitOutputRows(String layer, String table) {
    Row last = io.delta.tables.DeltaTable.forPath(spark, path(layer, table)).history(1)
        .selectExpr("operationMetrics['numOutputRows']").first();
    if (last.isNullAt(0)) {
      throw new IllegalStateException("the latest commit of " + layer + "." + table + " reports no numOutputRows");
    }
    return Long.parseLong(last.getString(0));
  }

  /** Replaces the whole table in one transaction (readers of the old version are unaffected). */
  public void overwrite(Dataset<Row> data, String layer, String table) {
    overwrite(data, layer, table, List.of());
  }

  /** {@link #overwrite(Dataset, String, String)}, partitioned by these columns. */
  public void overwrite(Dataset<Row> data, String layer, String table, List<String> partitionBy) {
    var writer = data.write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "false");
    if (!partitionBy.isEmpty()) {
      writer = writer.partitionBy(partitionBy.toArray(new String[0]));
    }
    writer.save(path(layer, table));
    register(layer, table);
  }

  /**
   * Inserts the rows whose key is not in the table yet, in one MERGE transaction; rows already
   * there are left as they are, so inserting the same rows twice changes nothing.
   */
  public void insertNew(Dataset<Row> data, String layer, String table, String key) {
    if (!exists(layer, table)) {
      data.write().format("delta").mode(SaveMode.ErrorIfExists).save(path(layer, table));
    } else {
      io.delta.tables.DeltaTable.forPath(spark, path(layer, table)).as("t")
          .merge(data.as("s"), "t." + key + " = s." + key)
          .whenNotMatched().insertAll()
          .execute();
    }
    register(layer, table);
  }

  /** Appends in one transaction (a blind append never conflicts with concurrent appends). */
  public void append(Dataset<Row> data, String layer, String table) {
    data.write().format("delta").mode(SaveMode.Append).save(path(layer, table));
    register(layer, table);
  }

  /** Makes {@code layer.table} resolvable in Spark SQL for this session. */
  public void register(String layer, String table) {
    if (!spark.catalog().databaseExists(layer)) {
      spark.sql("CREATE SCHEMA IF NOT EXISTS " + layer);
    }
    // A name left pointing at another location (a session that opened another warehouse, or a
    // table that moved) is repointed. It is dropped through the session catalog, which only
    // forgets the name: the table is external, and Delta's own DROP would first try to load the
    // old location, which may be gone.
    var catalog = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().catalog();
    var ident = new org.apache.spark.sql.catalyst.TableIdentifier(table, scala.Option.apply(layer));
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
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toUri();
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
