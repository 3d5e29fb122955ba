package io.trueroi.synthetic;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.JobGroup;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a synthetic world ({@link WorldModel}) as raw exports in the layout and formats of
 * {@code sample-data/}, plus {@code ground_truth.json}: the conversions and net revenue each
 * channel really caused (lost when its touches are removed).
 *
 * <p>Files written per day: {@code ads/clicks} (JSON lines), {@code ads/spend} (one CSV per
 * platform, Google's with its own headers and USD), {@code ecommerce/orders} (own-site CSV, 3% of
 * orders delivered again the next day), {@code ecommerce/refunds}, {@code pos/transactions}
 * (Shanghai in CNY, Hong Kong in HKD), {@code wechat/*} (Official Account subscribe events and
 * user-info exports, Mini Program phone authorisations, WeCom contacts). Online purchases are
 * split: 20% on Tmall (GBK, receiver phone masked), 15% on JD (UTF-8 with a BOM; the phone is
 * shown for 30% of its orders), the rest on the own site. Identifiers: a device id per person (3%
 * of clicks carry the all-zero placeholder SDKs send), a phone for 70% and a member card for 40%;
 * 35% follow the Official Account (OA openid + unionid), half of those with a phone authorise it
 * in the Mini Program (MP openid + unionid + phone, typed three ways), a fifth are added on WeCom
 * (external_userid + unionid). So identity resolution chains OA openid → unionid → MP openid →
 * phone → orders and till sales, and Tmall buyers stay apart (their phones are masked): the
 * walled-garden purchases no journey can see. WeChat follows and WeCom adds are touches with no
 * planted effect.
 *
 * <p>Cost: people are generated in parallel from {@code spark.range} (no shuffle); lines are
 * repartitioned by output file (one shuffle of the lines) so each file is written by one task in
 * order, then renamed into place on the driver (one rename per file). The ground truth is one
 * aggregation of per-person counterfactuals.
 */
public final class GenerateAction {
    /** The Official Account that scopes OA openids, and the Mini Program that scopes its own. */
    static final String OA_APP = "gh_3a1b2c3d4e5f";

    static final String MINI_PROGRAM = "wx9f8e7d6c5b4a3921";
    static final String PLACEHOLDER_DEVICE = "00000000-0000-0000-0000-000000000000";
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'+08:00'").withZone(ZoneOffset.ofHours(8));
    private static final DateTimeFormatter LOCAL =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.ofHours(8));

    /** Files of one day, by index: file index = day × FILES + one of these. */
    enum File {
        CLICKS("ads/clicks", "clicks.jsonl", null),
        ORDERS(
                "ecommerce/orders",
                "ownsite_orders.csv",
                "order_id,email,phone,device_id,member_id,created_at,"
                        + "processed_at,total_price,total_discounts,shipping,currency,financial_status,landing_site"),
        REFUNDS(
                "ecommerce/refunds",
                "refunds.csv",
                "platform,refund_id,order_id,refund_amount,currency,refund_time," + "status,reason"),
        POS_SH(
                "pos/transactions",
                "pos_SH001.csv",
                "store_id,city,transaction_id,local_time,member_card,phone,amount,"
                        + "currency,type,original_transaction_id"),
        POS_HK("pos/transactions", "pos_HK003.csv", POS_SH.header),
        /** The Chinese platforms name their claim columns in Chinese; Tencent counts 转化量. */
        SPEND_BAIDU(
                "ads/spend",
                "baidu_sem_spend.csv",
                "date,account_id,campaign_id,campaign_name,adgroup_id,impressions,clicks,cost,currency,"
                        + "转化数,转化金额,浏览转化数"),
        SPEND_OCEAN("ads/spend", "ocean_engine_spend.csv", SPEND_BAIDU.header),
        SPEND_TENCENT(
                "ads/spend",
                "tencent_ads_spend.csv",
                "date,account_id,campaign_id,campaign_name,adgroup_id,impressions,clicks,cost,currency,"
                        + "转化量,转化金额,浏览转化数"),
        SPEND_GOOGLE(
                "ads/spend",
                "google_ads_spend.csv",
                "Day,Customer ID,Campaign ID,Campaign,Ad group ID,Impr.,Clicks,Cost,Currency code,"
                        + "Conversions,Conv. value,View-through conv."),
        OA_EVENTS("wechat/oa_events", "events.jsonl", null),
        WECHAT_USERS("wechat/users", "users.jsonl", null),
        PHONE_AUTH("wechat/phone_auth", "phone_auth.csv", "appid,openid,unionid,phone_number,country_code,auth_time"),
        WECOM("wechat/wecom_contacts", "contacts.jsonl", null),
        /** Written UTF-8 by Spark, re-encoded to GBK when placed (Tmall exports GBK). */
        TMALL(
                "ecommerce/orders",
                "tmall_orders.csv",
                "订单编号,买家会员名,买家实际支付金额,买家应付邮费,订单状态,收货人姓名," + "联系手机,订单创建时间,订单付款时间,宝贝标题"),
        /** UTF-8 with a byte-order mark, as JD exports it. */
        JD("ecommerce/orders", "jd_orders.csv", "\uFEFF订单号,下单帐号,应付金额,运费金额,订单状态,下单时间,付款时间,客户姓名,联系电话");

        final String feed;
        final String name;
        final String header;

        File(String feed, String name, String header) {
            this.feed = feed;
            this.name = name;
            this.header = header;
        }
    }

    static final StructType LINE = new StructType()
            .add("file", DataTypes.IntegerType, false)
            .add("order", DataTypes.LongType, false)
            .add("line", DataTypes.StringType, false);

    private final SparkSession spark;
    private final WorldModel world;
    private final long customers;
    private final String out;
    private final String group;

    /**
     * Units of the reporting currency per CNY and per HKD ({@code trueroi.fx-rates}): prices are
     * drawn in CNY, Hong Kong till prices converted to HKD, and the truth's revenue is recorded as
     * the pipeline will convert it (each amount half-even to the cent).
     */
    record Rates(String reporting, BigDecimal cny, BigDecimal hkd, Map<String, BigDecimal> all)
            implements java.io.Serializable {
        /** CNY cents in {@code currency}, half-even to the cent: a claim's value in its report's currency. */
        long claimCents(long cnyCents, String currency) {
            return BigDecimal.valueOf(cnyCents, 2)
                    .multiply(cny)
                    .divide(all.get(currency), 2, RoundingMode.HALF_EVEN)
                    .unscaledValue()
                    .longValueExact();
        }

        long toReporting(long cents, BigDecimal rate) {
            return BigDecimal.valueOf(cents, 2)
                    .multiply(rate)
                    .setScale(2, RoundingMode.HALF_EVEN)
                    .unscaledValue()
                    .longValueExact();
        }

        long hkdCents(long cnyCents) {
            return BigDecimal.valueOf(cnyCents, 2)
                    .multiply(cny)
                    .divide(hkd, 2, RoundingMode.HALF_EVEN)
                    .unscaledValue()
                    .longValueExact();
        }

        /** A recorded purchase's net revenue in reporting-currency cents, as the pipeline computes it. */
        long netCents(WorldModel.Purchase u) {
            if (u.store() == 1) {
                return toReporting(hkdCents(u.cents()), hkd);
            }
            return toReporting(u.cents(), cny) - toReporting(u.refundCents(), cny);
        }
    }

    private final Rates rates;
    private int firstDay;
    private int lastDay;

    public GenerateAction(
            SparkSession spark, TrueRoiConfig config, WorldModel world, long customers, String out, String group) {
        if (customers < 1) {
            throw new IllegalArgumentException("customers must be at least 1, cannot be: " + customers);
        }
        this.spark = spark;
        this.world = world;
        this.customers = customers;
        this.out = out;
        this.group = group;
        this.rates = new Rates(
                config.reportingCurrency(),
                rate(config, "CNY"),
                rate(config, "HKD"),
                new java.util.HashMap<>(config.fxRates()));
        for (WorldSpec.Channel c : world.channels()) {
            if (!config.fxRates().containsKey(c.currency())) {
                throw new IllegalArgumentException("world " + world.spec().name() + ": channel " + c.name()
                        + " is bought in " + c.currency() + ", which trueroi.fx-rates has no rate for");
            }
        }
        this.firstDay = 0;
        this.lastDay = world.days() - 1;
    }

    /**
     * Writes only the deliveries of these days of the world (default: every day). The world is the
     * same whatever is written: a day written alone has the bytes it has in a run that writes all.
     */
    public GenerateAction days(LocalDate from, LocalDate to) {
        int a = world.index(from);
        int b = world.index(to);
        if (b < a) {
            throw new IllegalArgumentException(
                    "the last day must not be before the first, cannot be: " + from + " .. " + to);
        }
        this.firstDay = a;
        this.lastDay = b;
        return this;
    }

    private static BigDecimal rate(TrueRoiConfig config, String currency) {
        BigDecimal r = config.fxRates().get(currency);
        if (r == null) {
            throw new IllegalArgumentException(
                    "trueroi.fx-rates has no rate for " + currency + ", which the generated world's exports use");
        }
        return r;
    }

    /** Counters: lines per kind, people, and the truth totals. */
    public Map<String, Long> execute() {
        int files = File.values().length;
        Dataset<Long> people = spark.range(0, customers, 1, Math.max(2, (int) Math.min(2_000, customers / 20_000)));
        WorldModel w = world;
        Rates money = rates;
        Dataset<Row> records = people.flatMap(
                (FlatMapFunction<Long, Row>) p -> lines(w, money, p).iterator(), Encoders.row(LINE));
        Dataset<Row> reports = people.flatMap(
                        (FlatMapFunction<Long, Row>)
                                p -> SpendReports.keys(w, money, p).iterator(),
                        Encoders.row(SpendReports.KEYS))
                .groupBy("day", "channel", "campaign")
                .agg(sum("clicks"), sum("claims"), sum("claim_cents"), sum("views"));
        Dataset<Row> spend = reports.flatMap(
                (FlatMapFunction<Row, Row>)
                        r -> List.of(SpendReports.line(w, r)).iterator(),
                Encoders.row(LINE));
        List<Row> headers = new ArrayList<>();
        for (int d = firstDay; d <= lastDay; d++) {
            for (File f : File.values()) {
                if (f.header != null) {
                    headers.add(RowFactory.create(d * files + f.ordinal(), -1L, f.header));
                }
            }
        }
        Dataset<Row> all = records.unionByName(spend)
                .filter(col("file").between(firstDay * files, (lastDay + 1) * files - 1))
                .unionByName(spark.createDataFrame(headers, LINE));
        Path staging = new Path(out, "_generate_staging");
        JobGroup.run(spark, group, "generate: write raw exports", () -> all.repartition(col("file"))
                .sortWithinPartitions("file", "order")
                .select(col("file"), col("line"))
                .write()
                .mode("overwrite")
                .partitionBy("file")
                .text(staging.toString()));
        Map<String, Long> counters = new LinkedHashMap<>();
        JobGroup.run(spark, group, "generate: move files into place", () -> counters.put("files", place(staging)));

        List<Row> claims = JobGroup.run(spark, group, "generate: platform claims", () -> reports.groupBy("channel")
                .agg(sum("sum(claims)"), sum("sum(claim_cents)"), sum("sum(views)"))
                .collectAsList());
        writeTruths(people, claims, counters);
        counters.put("customers", customers);
        return counters;
    }

    /** {@code ground_truth.json} (totals per channel) and {@code truth_conversions.csv}. */
    private void writeTruths(Dataset<Long> people, List<Row> claims, Map<String, Long> counters) {
        WorldModel w = world;
        Rates money = rates;
        Dataset<Row> truth = people.flatMap(
                (FlatMapFunction<Long, Row>) p -> truthRows(w, money, p).iterator(),
                Encoders.row(new StructType()
                        .add("channel", DataTypes.IntegerType)
                        .add("conversions", DataTypes.LongType)
                        .add("cents", DataTypes.LongType)));
        List<Row> lost = JobGroup.run(spark, group, "generate: ground truth", () -> truth.groupBy("channel")
                .agg(sum("conversions"), sum("cents"))
                .orderBy("channel")
                .collectAsList());
        writeTruth(lost, claims, counters);
        writeText(new Path(out, "world.conf"), world.spec().text());
        writeText(new Path(out, "channels.conf"), world.spec().channelRules());
        if (!world.spec().experiments().isEmpty()) {
            writeText(new Path(out, "experiments.conf"), HoldoutTests.measure(spark, group, people, w));
        }
        Dataset<Row> perConversion = people.flatMap(
                (FlatMapFunction<Long, Row>) p -> conversionTruthLines(w, p).iterator(), Encoders.row(LINE));
        JobGroup.run(
                spark,
                group,
                "generate: truth per conversion",
                () -> writeCsv(perConversion, "truth_conversions.csv", "conversion_id,channel_lost"));
    }

    /** Moves each staged file to {@code <out>/<feed>/dt=D/<name>}; creates empty folders for the rest. */
    private long place(Path staging) {
        try {
            FileSystem fs = staging.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs instanceof org.apache.hadoop.fs.LocalFileSystem local) {
                fs = local.getRawFileSystem(); // move the data, not Hadoop's .crc side files
            }
            File[] kinds = File.values();
            long moved = 0;
            for (FileStatus dir : fs.listStatus(staging)) {
                String name = dir.getPath().getName();
                if (!dir.isDirectory() || !name.startsWith("file=")) {
                    continue;
                }
                int id = Integer.parseInt(name.substring("file=".length()));
                File kind = kinds[id % kinds.length];
                LocalDate day = world.day(id / kinds.length);
                Path target = new Path(out, kind.feed + "/dt=" + day + "/" + kind.name);
                fs.mkdirs(target.getParent());
                fs.delete(target, false);
                FileStatus[] parts =
                        fs.listStatus(dir.getPath(), p -> p.getName().startsWith("part-"));
                if (parts.length != 1) {
                    throw new IllegalStateException(
                            "expected one part file in " + dir.getPath() + ", found " + parts.length);
                }
                if (kind == File.TMALL) {
                    reencode(fs, parts[0].getPath(), target, Charset.forName("GBK"));
                } else if (!fs.rename(parts[0].getPath(), target)) {
                    throw new IOException("cannot move " + parts[0].getPath() + " to " + target);
                }
                moved++;
            }
            fs.delete(staging, true);
            for (int d = firstDay; d <= lastDay; d++) {
                for (File kind : kinds) {
                    fs.mkdirs(new Path(out, kind.feed + "/dt=" + world.day(d)));
                }
            }
            return moved;
        } catch (IOException e) {
            throw new UncheckedIOException("generate: cannot place files under " + out, e);
        }
    }

    /**
     * Writes lines ({@link #LINE} rows, in (order, line) order) as one CSV file under the output
     * with this header, through a staging folder and one rename.
     */
    private void writeCsv(Dataset<Row> lines, String name, String header) {
        Path staging = new Path(out, "_" + name + "_staging");
        Dataset<Row> all =
                lines.unionByName(spark.createDataFrame(List.of(RowFactory.create(0, Long.MIN_VALUE, header)), LINE));
        all.repartition(1)
                .sortWithinPartitions("order", "line")
                .select("line")
                .write()
                .mode("overwrite")
                .text(staging.toString());
        try {
            FileSystem fs = staging.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs instanceof org.apache.hadoop.fs.LocalFileSystem local) {
                fs = local.getRawFileSystem();
            }
            FileStatus[] parts = fs.listStatus(staging, p -> p.getName().startsWith("part-"));
            if (parts.length != 1) {
                throw new IllegalStateException("expected one part file in " + staging + ", found " + parts.length);
            }
            Path target = new Path(out, name);
            fs.delete(target, false);
            if (!fs.rename(parts[0].getPath(), target)) {
                throw new IOException("cannot move " + parts[0].getPath() + " to " + target);
            }
            fs.delete(staging, true);
        } catch (IOException e) {
            throw new UncheckedIOException("generate: cannot write " + name + " under " + out, e);
        }
    }

    /** Copies a UTF-8 text file into another charset, line by line (Tmall's exports are GBK). */
    private static void reencode(FileSystem fs, Path from, Path to, Charset charset) throws IOException {
        try (var in = new BufferedReader(new InputStreamReader(fs.open(from), StandardCharsets.UTF_8));
                var o = new BufferedWriter(new OutputStreamWriter(fs.create(to, true), charset.newEncoder()))) {
            String line;
            while ((line = in.readLine()) != null) {
                o.write(line);
                o.write('\n');
            }
        }
        fs.delete(from, false);
    }

    /**
     * Writes {@code ground_truth.json} (per channel: its lift, the conversions and net revenue lost
     * without it, and their shares of the channels' sum, and what its platform claims for it; the
     * world's totals with every channel and with none, and all platforms' claimed conversions), the spec as simulated ({@code world.conf}) and the channel rules that map its
     * channels ({@code channels.conf}).
     */
    private void writeTruth(List<Row> lost, List<Row> claims, Map<String, Long> counters) {
        List<WorldSpec.Channel> channels = world.channels();
        String[] claimed = SpendReports.truth(world, claims, counters);
        long[] conversions = new long[channels.size()];
        long[] cents = new long[channels.size()];
        long[] all = new long[2];
        long[] organic = new long[2];
        for (Row r : lost) {
            int c = r.getInt(0);
            long n = r.isNullAt(1) ? 0 : r.getLong(1);
            long v = r.isNullAt(2) ? 0 : r.getLong(2);
            if (c == ALL) {
                all = new long[] {n, v};
            } else if (c == ORGANIC) {
                organic = new long[] {n, v};
            } else {
                conversions[c] = n;
                cents[c] = v;
            }
        }
        long sumConversions = java.util.Arrays.stream(conversions).sum();
        long sumCents = java.util.Arrays.stream(cents).sum();
        WorldSpec spec = world.spec();
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"world\": ").append(jsonString(spec.name()));
        json.append(",\n  \"model\": \"").append(MODEL).append('"');
        json.append(",\n  \"reporting_currency\": ").append(jsonString(rates.reporting()));
        json.append(String.format(
                Locale.ROOT,
                ",%n  \"people\": %d,%n  \"conversions\": %d,%n  \"claimed_conversions\": %d,%n"
                        + "  \"net_revenue\": %s,%n  \"organic_conversions\": %d,%n  \"organic_net_revenue\": %s,%n"
                        + "  \"channels\": {%n",
                customers,
                all[0],
                counters.get("claimed_conversions"),
                BigDecimal.valueOf(all[1], 2).toPlainString(),
                organic[0],
                BigDecimal.valueOf(organic[1], 2).toPlainString()));
        for (int c = 0; c < channels.size(); c++) {
            WorldSpec.Channel ch = channels.get(c);
            json.append(String.format(
                    Locale.ROOT,
                    "    %s: {\"lift_per_touch\": %s, \"conversions_lost\": %d, \"net_revenue_lost\": %s, "
                            + "\"conversion_share\": %.6f, \"revenue_share\": %.6f, \"claims\": %s}%s%n",
                    jsonString(ch.name()),
                    ch.lift(),
                    conversions[c],
                    BigDecimal.valueOf(cents[c], 2).toPlainString(),
                    sumConversions == 0 ? 0.0 : (double) conversions[c] / sumConversions,
                    sumCents == 0 ? 0.0 : (double) cents[c] / sumCents,
                    claimed[c],
                    c + 1 < channels.size() ? "," : ""));
            counters.put("truth_conversions:" + ch.name(), conversions[c]);
        }
        json.append("  }\n}\n");
        counters.put("truth_conversions", all[0]);
        counters.put("truth_organic_conversions", organic[0]);
        writeText(new Path(out, "ground_truth.json"), json.toString());
    }

    private static final String MODEL = "p(buy on day t) = baseline x organic multiplier + sum over touches of the "
            + "lift window of lift(channel) x (1 + earlier touches of the channel in the window)^-saturation x "
            + "2^(-days since touch / half-life(channel)) + synergies; a channel's truth is what is lost when its "
            + "touches are removed, same random numbers (world.conf holds every number)";

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('"').toString();
    }

    private void writeText(Path file, String text) {
        try {
            FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream o = fs.create(file, true)) {
                o.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("generate: cannot write " + file, e);
        }
    }

    // ---- per person, on executors ----

    static String device(long p) {
        long h = p * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        return String.format(
                Locale.ROOT,
                "%08x-%04x-4%03x-8%03x-%012x",
                (int) (h >>> 32),
                (int) (h >>> 16) & 0xffff,
                (int) h & 0xfff,
                (int) (p & 0xfff),
                p & 0xffffffffffffL);
    }

    static String phone(WorldModel w, long p) {
        return w.uniform(p, 20, 0) < 0.7 ? String.format(Locale.ROOT, "+86139%08d", p % 100_000_000) : "";
    }

    static String card(WorldModel w, long p) {
        return w.uniform(p, 21, 0) < 0.4 ? String.format(Locale.ROOT, "M%09d", p) : "";
    }

    /** Every raw line person {@code p} leaves, each with its file (day × file) and its time for ordering. */
    static List<Row> lines(WorldModel w, Rates rates, long p) {
        List<Row> out = new ArrayList<>();
        List<WorldModel.Touch> touches = w.touches(p);
        String device = device(p);
        clicks(w, p, touches, device, out);
        String phone = phone(w, p);
        String card = card(w, p);
        for (WorldModel.Purchase drawn : w.purchases(p, touches, -1)) {
            WorldModel.Purchase u = asRecorded(w, p, drawn);
            if (u.store() >= 0) {
                tillSale(rates, p, u, phone, card, out);
            } else {
                onlineOrder(w, p, u, phone, card, device, out);
            }
        }
        wechat(w, p, phone, out);
        return out;
    }

    private static void clicks(WorldModel w, long p, List<WorldModel.Touch> touches, String device, List<Row> out) {
        int files = File.values().length;
        String ip = "10." + (p % 250) + "." + (p / 250 % 250) + "." + (1 + p / 62_500 % 250);
        int k = 0;
        for (WorldModel.Touch t : touches) {
            WorldSpec.Channel c = w.channels().get(t.channel());
            String clickId = c.campaignPrefix() + "_" + Long.toHexString(p) + "_" + k;
            String dev = !t.bot() && w.uniform(p, 22, k) < 0.03 ? PLACEHOLDER_DEVICE : device;
            String campaign = c.campaignPrefix() + "_cmp_" + (t.campaign() + 1);
            out.add(RowFactory.create(
                    t.day() * files + File.CLICKS.ordinal(),
                    t.epochSecond() * 1000 + k % 1000,
                    "{\"platform\": \"" + c.platform() + "\", \"click_id\": \"" + clickId + "\", \"click_time_ms\": "
                            + (t.epochSecond() * 1000 + k % 1000) + ", \"campaign_id\": \"" + campaign
                            + "\", \"adgroup_id\": \""
                            + campaign + "_ag1\", \"device_id\": \"" + dev
                            + "\", \"openid\": \"\", \"app_id\": \"\", \"ip\": \""
                            + ip + "\", \"landing_url\": \"https://shop.example.com/landing\"}"));
            k++;
        }
    }

    private static void tillSale(Rates rates, long p, WorldModel.Purchase u, String phone, String card, List<Row> out) {
        String id = Long.toString(p) + "_" + u.day();
        Instant at = Instant.ofEpochSecond(u.epochSecond());
        boolean hk = u.store() == 1;
        long cents = hk ? rates.hkdCents(u.cents()) : u.cents();
        File f = hk ? File.POS_HK : File.POS_SH;
        out.add(RowFactory.create(
                u.day() * File.values().length + f.ordinal(),
                u.epochSecond(),
                (hk ? "HK003,香港,THG" : "SH001,上海,TSG") + id + "," + LOCAL.format(at) + "," + card + ","
                        + phone.replace("+86", "") + ","
                        + BigDecimal.valueOf(cents, 2).toPlainString() + ","
                        + (hk ? "HKD" : "CNY") + ",SALE,"));
    }

    /** An order on Tmall (20%), JD (15%) or the own site, sometimes delivered again, and its refund. */
    private static void onlineOrder(
            WorldModel w, long p, WorldModel.Purchase u, String phone, String card, String device, List<Row> out) {
        int files = File.values().length;
        String id = Long.toString(p) + "_" + u.day();
        Instant at = Instant.ofEpochSecond(u.epochSecond());
        String amount = BigDecimal.valueOf(u.cents(), 2).toPlainString();
        String platform = shop(w, p, u.day());
        String orderId;
        File file;
        String line;
        if (platform.equals("tmall")) {
            orderId = "TMG" + id;
            file = File.TMALL;
            line = orderId + ",tb_" + Long.toHexString(p) + "," + amount + ",0.00,交易成功,张*," + masked(phone) + ","
                    + LOCAL.format(at) + "," + LOCAL.format(at.plusSeconds(30)) + ",synthetic item";
        } else if (platform.equals("jd")) {
            orderId = "JDG" + id;
            file = File.JD;
            String shown = w.uniform(p, 25, u.day()) < 0.3 ? phone.replace("+86", "") : masked(phone);
            line = orderId + ",jd_" + Long.toHexString(p) + "," + amount + ",0.00,完成," + LOCAL.format(at) + ","
                    + LOCAL.format(at.plusSeconds(30)) + ",李*," + shown;
        } else {
            orderId = "OSG" + id;
            file = File.ORDERS;
            line = orderId + ",," + phone + "," + device + "," + card + "," + ISO.format(at) + ","
                    + ISO.format(at.plusSeconds(30)) + "," + amount + ",0.00,0.00,CNY,paid,";
        }
        out.add(RowFactory.create(u.day() * files + file.ordinal(), u.epochSecond(), line));
        if (u.day() + 1 < w.days() && w.uniform(p, 23, u.day()) < 0.03) {
            out.add(RowFactory.create((u.day() + 1) * files + file.ordinal(), u.epochSecond(), line));
        }
        if (u.refundCents() > 0) {
            out.add(RowFactory.create(
                    u.day() * files + File.REFUNDS.ordinal(),
                    u.epochSecond(),
                    platform + ",RFG" + id
                            + "," + orderId + ","
                            + BigDecimal.valueOf(u.refundCents(), 2).toPlainString() + ",CNY,"
                            + ISO.format(at.plusSeconds(600)) + ",SUCCESS,synthetic"));
        }
    }

    /**
     * The conversion_id the pipeline gives this recorded purchase ({@code platform|order_id}, or
     * {@code store|store_id|transaction_id} for a till sale): the key of {@code truth_conversions.csv}.
     */
    static String conversionId(WorldModel w, long p, WorldModel.Purchase u) {
        String id = Long.toString(p) + "_" + u.day();
        if (u.store() >= 0) {
            return u.store() == 1 ? "store|HK003|THG" + id : "store|SH001|TSG" + id;
        }
        String platform = shop(w, p, u.day());
        return platform + "|" + (platform.equals("tmall") ? "TMG" : platform.equals("jd") ? "JDG" : "OSG") + id;
    }

    /** Where person p's online order of day d is placed: tmall (20%), jd (15%) or ownsite. */
    static String shop(WorldModel w, long p, int day) {
        double shop = w.uniform(p, 24, day);
        return shop < 0.20 ? "tmall" : shop < 0.35 ? "jd" : "ownsite";
    }

    /** A phone as Tmall and JD show it: 139****5678; empty stays empty. */
    static String masked(String phone) {
        if (phone.isEmpty()) {
            return "";
        }
        String national = phone.replace("+86", "");
        return national.substring(0, 3) + "****" + national.substring(national.length() - 4);
    }

    /**
     * WeChat records of one person: an Official Account follow (subscribe event and user-info
     * export the same day), a Mini Program phone authorisation, a WeCom add. None of them changes
     * what the person buys (the model has no WeChat lift).
     */
    static void wechat(WorldModel w, long p, String phone, List<Row> out) {
        if (w.isBot(p) || w.uniform(p, 30, 0) >= 0.35) {
            return;
        }
        int files = File.values().length;
        String hex = Long.toHexString(p);
        String unionid = "oU" + hex;
        int day = (int) (w.uniform(p, 31, 0) * w.days());
        long at = w.dayStart(day) + 10 * 3_600L + (long) (w.uniform(p, 32, 0) * 36_000);
        String oaOpenid = "oA" + hex;
        out.add(RowFactory.create(
                day * files + File.OA_EVENTS.ordinal(),
                at,
                "{\"ToUserName\":\"" + OA_APP
                        + "\",\"FromUserName\":\"" + oaOpenid + "\",\"CreateTime\":" + at
                        + ",\"MsgType\":\"event\",\"Event\":\"subscribe\",\"EventKey\":\"\"}"));
        out.add(RowFactory.create(
                day * files + File.WECHAT_USERS.ordinal(),
                at,
                "{\"subscribe\":1,\"openid\":\""
                        + oaOpenid + "\",\"language\":\"zh_CN\",\"subscribe_time\":" + at + ",\"unionid\":\"" + unionid
                        + "\",\"remark\":\"\",\"groupid\":0,\"tagid_list\":[],\"subscribe_scene\":\"ADD_SCENE_SEARCH\","
                        + "\"qr_scene\":0,\"qr_scene_str\":\"\",\"app_id\":\"" + OA_APP + "\"}"));
        if (!phone.isEmpty() && w.uniform(p, 33, 0) < 0.5) {
            String national = phone.replace("+86", "");
            double style = w.uniform(p, 34, 0);
            String typed = style < 0.34
                    ? national.substring(0, 3) + "-" + national.substring(3, 7) + "-" + national.substring(7)
                    : style < 0.67 ? "86 " + national : national;
            long authAt = at + 600;
            out.add(RowFactory.create(
                    day * files + File.PHONE_AUTH.ordinal(),
                    authAt,
                    MINI_PROGRAM + ",oM" + hex + "," + unionid + "," + typed + ",86,"
                            + ISO.format(Instant.ofEpochSecond(authAt))));
        }
        if (w.uniform(p, 35, 0) < 0.2) {
            long addAt = at + 1_800;
            out.add(RowFactory.create(
                    day * files + File.WECOM.ordinal(),
                    addAt,
                    "{\"external_contact\":{"
                            + "\"external_userid\":\"wm" + hex + "\",\"name\":\"x\",\"type\":1,\"unionid\":\"" + unionid
                            + "\"},\"follow_user\":[{\"userid\":\"staff_" + (p % 7)
                            + "\",\"remark\":\"\",\"createtime\":"
                            + addAt + ",\"add_way\":1,\"state\":\"store_sh01\"}]}"));
        }
    }

    /** A till purchase by a person with neither phone nor card (unknown at the till) is made online instead. */
    static WorldModel.Purchase asRecorded(WorldModel w, long p, WorldModel.Purchase u) {
        if (u.store() >= 0 && phone(w, p).isEmpty() && card(w, p).isEmpty()) {
            return new WorldModel.Purchase(u.day(), u.epochSecond(), u.cents(), u.refundCents(), -1);
        }
        return u;
    }

    /** Rows of the truth's totals: every purchase, and what is left with every channel removed. */
    static final int ALL = -1;

    static final int ORGANIC = -2;

    /**
     * Per channel: conversions and net revenue (reporting-currency cents, as the pipeline records
     * them) lost without it; and the person's totals with every channel ({@link #ALL}) and with none
     * ({@link #ORGANIC}).
     */
    static List<Row> truthRows(WorldModel w, Rates rates, long p) {
        List<WorldModel.Touch> touches = w.touches(p);
        List<WorldModel.Purchase> with = w.purchases(p, touches, -1);
        List<Row> out = new ArrayList<>();
        if (with.isEmpty()) {
            return out;
        }
        out.add(RowFactory.create(ALL, (long) with.size(), lostCents(w, rates, p, with, List.of())));
        List<WorldModel.Purchase> organic = w.purchases(p, touches, c -> true);
        out.add(RowFactory.create(ORGANIC, (long) organic.size(), lostCents(w, rates, p, organic, List.of())));
        for (int c = 0; c < w.channels().size(); c++) {
            final int channel = c;
            if (touches.stream().noneMatch(t -> t.channel() == channel)) {
                continue;
            }
            List<WorldModel.Purchase> without = w.purchases(p, touches, c);
            long conversions = with.size() - without.size();
            if (conversions > 0) {
                out.add(RowFactory.create(c, conversions, lostCents(w, rates, p, with, without)));
            }
        }
        return out;
    }

    /** Per purchase lost without a channel: its conversion_id and the channel's name, as a CSV line. */
    static List<Row> conversionTruthLines(WorldModel w, long p) {
        List<WorldModel.Touch> touches = w.touches(p);
        List<WorldModel.Purchase> with = w.purchases(p, touches, -1);
        List<Row> out = new ArrayList<>();
        if (with.isEmpty()) {
            return out;
        }
        for (int c = 0; c < w.channels().size(); c++) {
            final int channel = c;
            if (touches.stream().noneMatch(t -> t.channel() == channel)) {
                continue;
            }
            java.util.Set<Integer> kept = new java.util.HashSet<>();
            for (WorldModel.Purchase u : w.purchases(p, touches, c)) {
                kept.add(u.day());
            }
            for (WorldModel.Purchase u : with) {
                if (!kept.contains(u.day())) {
                    String id = conversionId(w, p, asRecorded(w, p, u));
                    out.add(RowFactory.create(
                            0, p, id + "," + csvField(w.channels().get(c).name())));
                }
            }
        }
        return out;
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** Net cents of the purchases in {@code with} that {@code without} (a subsequence of it) lacks. */
    private static long lostCents(
            WorldModel w, Rates rates, long p, List<WorldModel.Purchase> with, List<WorldModel.Purchase> without) {
        long cents = 0;
        Iterator<WorldModel.Purchase> keep = without.iterator();
        WorldModel.Purchase next = keep.hasNext() ? keep.next() : null;
        for (WorldModel.Purchase u : with) {
            if (next != null && next.day() == u.day()) {
                next = keep.hasNext() ? keep.next() : null;
            } else {
                cents += rates.netCents(asRecorded(w, p, u));
            }
        }
        return cents;
    }
}
