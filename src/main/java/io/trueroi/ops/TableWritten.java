package io.trueroi.ops;

import io.trueroi.catalog.Table;

/** A table a stage wrote, where it lives, and how many rows it holds for what the run wrote. */
public record TableWritten(Table table, String location, long rows) {}
