package io.trueroi.journey;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.when;

import io.trueroi.config.ChannelRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * The channel rules of {@code conf/channels.conf} as one CASE expression: data, not code, and no
 * per-row callback. Conditions read the touch columns source_system, platform, touch_type,
 * utm_source, utm_medium, code and campaign_id (so one platform's campaigns can be several
 * channels, by naming convention); values compare case-insensitively, "x*" by prefix.
 */
public final class ChannelTaxonomy {
    public static final String UNMAPPED = "(unmapped)";

    private final List<ChannelRule> rules;

    public ChannelTaxonomy(List<ChannelRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public Column channel() {
        return build(false);
    }

    public Column group() {
        return build(true);
    }

    private Column build(boolean group) {
        Column out = lit(UNMAPPED);
        // Built from the last rule up so the first rule is the outermost WHEN: first match wins.
        for (int i = rules.size() - 1; i >= 0; i--) {
            ChannelRule r = rules.get(i);
            out = when(matches(r), lit(group ? r.group() : r.channel())).otherwise(out);
        }
        return out;
    }

    static Column matches(ChannelRule r) {
        Column all = lit(true);
        for (Map.Entry<String, List<String>> c : r.when().entrySet()) {
            Column value = lower(col(c.getKey()));
            List<Column> any = new ArrayList<>();
            for (String v : c.getValue()) {
                String low = v.toLowerCase(Locale.ROOT);
                any.add(low.endsWith("*") ? value.startsWith(low.substring(0, low.length() - 1)) : value.equalTo(low));
            }
            Column either = any.stream().reduce(Column::or).orElse(lit(false));
            all = all.and(value.isNotNull().and(either));
        }
        return all;
    }
}
