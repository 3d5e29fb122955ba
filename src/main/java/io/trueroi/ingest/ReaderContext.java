package io.trueroi.ingest;

import io.trueroi.config.IngestSettings;
import java.time.ZoneId;

/** What readers need from the run: ingest settings, the business zone and the PII hasher. */
public record ReaderContext(IngestSettings settings, ZoneId businessZone, Pii pii) {}
