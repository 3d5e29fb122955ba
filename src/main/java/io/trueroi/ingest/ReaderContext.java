package io.trueroi.ingest;

import io.trueroi.config.TrueRoiConfig;
import java.time.ZoneId;

/** What readers need from the run: ingest settings, the business zone and the PII hasher. */
public record ReaderContext(TrueRoiConfig.IngestSettings settings, ZoneId businessZone, Pii pii) {}
