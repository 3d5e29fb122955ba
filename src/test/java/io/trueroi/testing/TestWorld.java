package io.trueroi.testing;

import io.trueroi.config.TrueRoiConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A throw-away raw-export folder and warehouse for one test: files are written where the default
 * feed config expects them ({@code <raw>/<feed path>/dt=D/<name>}), and a config file points the
 * job at them.
 */
public final class TestWorld {
    /** Hash key the tests run with (the environment they pass to config). */
    public static final String HASH_KEY = "test-only-hash-key-not-a-secret";

    public static final Map<String, String> ENV = Map.of("TRUEROI_HASH_KEY", HASH_KEY);

    /** Feed folders of the default config, as in conf/application.conf. */
    public static final Map<String, String> FEED_PATHS = Map.of(
            "wechat_events", "wechat/oa_events",
            "wechat_users", "wechat/users",
            "wechat_phone_auth", "wechat/phone_auth",
            "wecom_contacts", "wechat/wecom_contacts",
            "ecommerce_orders", "ecommerce/orders",
            "ecommerce_refunds", "ecommerce/refunds",
            "pos_transactions", "pos/transactions",
            "ad_spend", "ads/spend",
            "ad_clicks", "ads/clicks");

    /** A till export of 2026-10-01: two sales, member cards M1 (100.00) and M2 (50.00). */
    public static final String TWO_TILL_SALES =
            "store_id,city,transaction_id,local_time,member_card,phone,amount,currency,type,"
                    + "original_transaction_id\n"
                    + "SH001,上海,S1,2026-10-01 10:00:00,M1,,100.00,CNY,SALE,\n"
                    + "SH001,上海,S2,2026-10-01 11:00:00,M2,,50.00,CNY,SALE,\n";

    public final Path root;
    public final Path raw;
    public final Path warehouse;

    public TestWorld(Path root) {
        this.root = root;
        this.raw = root.resolve("raw");
        this.warehouse = root.resolve("warehouse");
    }

    /** Creates every feed's folder for the date, so a run over it finds no missing folder. */
    public TestWorld day(LocalDate dt) {
        FEED_PATHS.values().forEach(p -> mkdirs(raw.resolve(p).resolve("dt=" + dt)));
        return this;
    }

    public TestWorld file(String feed, LocalDate dt, String name, String text) {
        return file(feed, dt, name, text, StandardCharsets.UTF_8);
    }

    public TestWorld file(String feed, LocalDate dt, String name, String text, Charset charset) {
        return bytes(feed, dt, name, text.getBytes(charset));
    }

    public TestWorld bytes(String feed, LocalDate dt, String name, byte[] content) {
        Path dir = raw.resolve(FEED_PATHS.get(feed)).resolve("dt=" + dt);
        mkdirs(dir.resolve(name).getParent());
        try {
            Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * A config file with this world's paths, followed by extra HOCON. The quality checks are off
     * (on a world of a few rows their fixed cost per table dwarfs the data; docs/performance.md)
     * unless the extra HOCON turns them on: the tests
     * of the checks do, and the sample-data and generated-world tests run with them.
     */
    public Path confFile(String extraHocon) {
        Path conf = root.resolve("test-" + Integer.toHexString(extraHocon.hashCode()) + ".conf");
        String text = "trueroi.warehouse = \"" + warehouse.toAbsolutePath() + "\"\n" + "trueroi.raw-root = \""
                + raw.toAbsolutePath() + "\"\n" + "trueroi.quality.enabled = false\n" + extraHocon + "\n";
        try {
            Files.writeString(conf, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return conf;
    }

    public TrueRoiConfig config(String extraHocon) {
        return TrueRoiConfig.load(List.of(confFile(extraHocon)), ENV);
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
