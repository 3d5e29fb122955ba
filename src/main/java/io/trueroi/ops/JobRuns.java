package io.trueroi.ops;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code ops.job_runs}: one row per job run, appended when the run ends, whether it succeeded or
 * failed. Appends are blind, so runs of different jobs never conflict.
 */
public final class JobRuns {
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    static final StructType SOURCE = new StructType()
            .add("source", DataTypes.StringType)
            .add("table", DataTypes.StringType)
            .add("files", DataTypes.LongType)
            .add("rows_read", DataTypes.LongType)
            .add("rows_written", DataTypes.LongType)
            .add("rows_quarantined", DataTypes.LongType)
            .add("rows_duplicate", DataTypes.LongType);

    public static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("parent_run_id", DataTypes.StringType)
            .add("job", DataTypes.StringType, false)
            .add("date_from", DataTypes.DateType, false)
            .add("date_to", DataTypes.DateType, false)
            .add("status", DataTypes.StringType, false)
            .add("started_at", DataTypes.TimestampType, false)
            .add("ended_at", DataTypes.TimestampType, false)
            .add("seconds", DataTypes.createDecimalType(12, 3), false)
            .add("message", DataTypes.StringType)
            .add("sources", DataTypes.createArrayType(SOURCE))
            .add("counters", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType));

    private JobRuns() {}

    public static void record(
            Warehouse warehouse,
            RunContext run,
            String status,
            String message,
            List<SourceStats> sources,
            Map<String, Long> counters) {
        Instant end = Instant.now();
        List<Row> src = new ArrayList<>();
        for (SourceStats s : sources) {
            src.add(RowFactory.create(
                    s.source(),
                    s.table(),
                    s.files(),
                    s.rowsRead(),
                    s.rowsWritten(),
                    s.rowsQuarantined(),
                    s.rowsDuplicate()));
        }
        Row row = RowFactory.create(
                run.runId(),
                run.parentRunId(),
                run.job(),
                Date.valueOf(run.from()),
                Date.valueOf(run.to()),
                status,
                Timestamp.from(run.startedAt()),
                Timestamp.from(end),
                new java.math.BigDecimal(end.toEpochMilli() - run.startedAt().toEpochMilli()).movePointLeft(3),
                // A failure's message can quote an input value; it is stored redacted like quarantine.
                io.trueroi.ingest.Pii.redactText(message),
                CollectionConverters.asScala(src).toSeq(),
                scala.collection.immutable.Map.from(CollectionConverters.asScala(counters)));
        warehouse.append(warehouse.spark().createDataFrame(List.of(row), SCHEMA), Table.JOB_RUNS);
    }
}
