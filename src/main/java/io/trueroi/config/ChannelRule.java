package io.trueroi.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One rule of {@code trueroi.channels}, the channel taxonomy: a touch is this channel when every
 * condition holds (its field has one of the values). Rules are tried in order; the first wins.
 */
public record ChannelRule(String channel, String group, Map<String, List<String>> when) {
    /** Conditions a channel rule may test. */
    public static final Set<String> FIELDS =
            Set.of("source_system", "platform", "touch_type", "utm_source", "utm_medium", "code", "campaign_id");

    static List<ChannelRule> readAll(ConfigReader c) {
        List<ChannelRule> rules = new ArrayList<>();
        List<? extends ConfigObject> list;
        try {
            list = c.config().getObjectList("trueroi.channels");
        } catch (ConfigException.WrongType e) {
            throw c.error("trueroi.channels", "must be a list of { channel, group, when { ... } } rules");
        }
        for (int i = 0; i < list.size(); i++) {
            rules.add(read(c, "trueroi.channels[" + i + "]", list.get(i).toConfig()));
        }
        return List.copyOf(rules);
    }

    private static ChannelRule read(ConfigReader c, String key, Config rule) {
        for (String k : rule.root().keySet()) {
            if (!Set.of("channel", "group", "when").contains(k)) {
                throw c.error(key + "." + k, "unknown key; a rule has channel, group and when");
            }
        }
        if (!rule.hasPath("channel") || rule.getString("channel").isBlank()) {
            throw c.error(key + ".channel", "is required");
        }
        Map<String, List<String>> when = new TreeMap<>();
        if (rule.hasPath("when")) {
            ConfigObject w = rule.getObject("when");
            for (String field : w.keySet()) {
                if (!FIELDS.contains(field)) {
                    throw c.error(
                            key + ".when." + field, "unknown condition; expected one of " + new TreeSet<>(FIELDS));
                }
                List<String> values;
                try {
                    values = rule.getStringList("when." + field);
                } catch (ConfigException.WrongType e) {
                    values = List.of(rule.getString("when." + field));
                }
                when.put(field, List.copyOf(values));
            }
        }
        if (when.isEmpty()) {
            throw c.error(key + ".when", "must hold at least one condition (a catch-all would hide unmapped touches)");
        }
        String group = rule.hasPath("group") ? rule.getString("group") : rule.getString("channel");
        return new ChannelRule(rule.getString("channel"), group, Collections.unmodifiableMap(when));
    }
}
