package io.trueroi.ingest;

import java.io.Serializable;
import java.util.Map;

/**
 * One raw export file to read: where it is, which feed and delivery date it belongs to, its
 * encoding, the attributes of the file rule that matched it (platform, time zone, ...), its size
 * in bytes and its modification time in epoch milliseconds.
 */
public record RawFile(
        String feed,
        String uri,
        String relativePath,
        String dt,
        String encoding,
        Map<String, String> attributes,
        long length,
        long modified)
        implements Serializable {}
