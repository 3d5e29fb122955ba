package io.trueroi.config;

import io.trueroi.catalog.IdType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code trueroi.identity}: the over-merge guard's link limits (per identifier type, else the
 * default), the types that never count as links, and where connected components checkpoint.
 */
public record IdentitySettings(
        int defaultMaxLinks,
        Map<IdType, Integer> maxLinksByType,
        List<IdType> eventLevelTypes,
        boolean reliableCheckpoint,
        String checkpointDir) {
    /** The key of the limit that applies to a type with none of its own. */
    static final String DEFAULT = "default";

    /** The link limit for an identifier type. */
    public int maxLinks(IdType type) {
        return maxLinksByType.getOrDefault(type, defaultMaxLinks);
    }

    static IdentitySettings read(ConfigReader c) {
        String p = "trueroi.identity.";
        Set<String> keys =
                Arrays.stream(IdType.values()).map(IdType::id).collect(Collectors.toCollection(TreeSet::new));
        keys.add(DEFAULT);
        Integer defaultLimit = null;
        Map<IdType, Integer> limits = new EnumMap<>(IdType.class);
        for (Map.Entry<String, String> e : c.stringMap(p + "max-links").entrySet()) {
            String key = p + "max-links." + e.getKey();
            if (!keys.contains(e.getKey())) {
                throw c.error(key, "unknown identifier type; expected one of " + keys);
            }
            int n;
            try {
                n = Integer.parseInt(e.getValue());
            } catch (NumberFormatException x) {
                throw c.error(key, "must be a whole number, cannot be: " + e.getValue());
            }
            if (n < 1) {
                throw c.error(key, "must be at least 1, cannot be: " + n);
            }
            if (e.getKey().equals(DEFAULT)) {
                defaultLimit = n;
            } else {
                limits.put(IdType.of(e.getKey()), n);
            }
        }
        if (defaultLimit == null) {
            throw c.error(p + "max-links.default", "is required");
        }
        String checkpoint = c.config().getString(p + "checkpoint");
        if (!checkpoint.equals("local") && !checkpoint.equals("reliable")) {
            throw c.error(p + "checkpoint", "must be local or reliable, cannot be: " + checkpoint);
        }
        String dir = c.config().getString(p + "checkpoint-dir").trim();
        if (checkpoint.equals("reliable") && dir.isEmpty()) {
            throw c.error(p + "checkpoint-dir", "is required when trueroi.identity.checkpoint = reliable");
        }
        List<IdType> eventLevel = new ArrayList<>();
        for (String t : c.config().getStringList(p + "event-level-types")) {
            if (!keys.contains(t) || t.equals(DEFAULT)) {
                throw c.error(p + "event-level-types", "unknown identifier type " + t);
            }
            eventLevel.add(IdType.of(t));
        }
        return new IdentitySettings(
                defaultLimit,
                Collections.unmodifiableMap(limits),
                List.copyOf(eventLevel),
                checkpoint.equals("reliable"),
                dir);
    }
}
