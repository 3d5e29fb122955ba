package io.trueroi.ops;

/**
 * What one run did with one source table: files and data lines read, rows written, lines
 * quarantined, and rows dropped as duplicates of a kept row (same natural key).
 */
public record SourceStats(
        String source,
        String table,
        long files,
        long rowsRead,
        long rowsWritten,
        long rowsQuarantined,
        long rowsDuplicate) {}
