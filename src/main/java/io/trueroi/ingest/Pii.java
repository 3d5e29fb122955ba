package io.trueroi.ingest;

import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.replace;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Personal data at the door: phones normalised to E.164 and emails to lower case, then both
 * replaced by HMAC-SHA-256 hashes. The raw values exist only inside the ingest query plan.
 *
 * <p>Two UDFs, each for a reason: Spark has no HMAC function, and building one from sha2 over
 * key-xor-pad literals would print the key in every query plan and event log; and phone numbering
 * plans are libphonenumber's job, not a regex's.
 */
public final class Pii {
    /** Why a phone column gave no hash. */
    public static final String VALID = "valid";

    public static final String MISSING = "missing";
    public static final String MASKED = "masked";
    public static final String PLACEHOLDER = "placeholder";
    public static final String INVALID = "invalid";

    /** Numbers seen typed in for customers who would not give theirs. */
    static final Set<String> KNOWN_FAKE_NATIONAL = Set.of("13800138000", "13800000000", "12345678901", "13888888888");

    static final StructType PHONE_RESULT =
            new StructType().add("e164", DataTypes.StringType, true).add("status", DataTypes.StringType, false);

    private final UserDefinedFunction hmac;
    private final UserDefinedFunction phone;

    public Pii(byte[] key, String defaultRegion) {
        this.hmac = functions.udf(new HmacSha256(key), DataTypes.StringType);
        this.phone = functions.udf(new NormalisePhone(defaultRegion), PHONE_RESULT);
    }

    /** Lower-case hex HMAC-SHA-256 of the UTF-8 value; null stays null. */
    public Column hash(Column value) {
        return when(value.isNull(), lit(null).cast("string")).otherwise(hmac.apply(value));
    }

    /** struct(e164, status) for a raw phone; region is an ISO region or a calling code column. */
    public Column normalisePhone(Column raw, Column regionOrCallingCode) {
        return phone.apply(raw, regionOrCallingCode);
    }

    /** Trimmed, lower-cased email, or null when it is not shaped like one. */
    public static Column normaliseEmail(Column raw) {
        Column e = lower(trim(raw));
        return when(e.rlike("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"), e);
    }

    /**
     * What {@link #redact} replaces, in order, each with its placeholder. Phones: Chinese mobiles
     * (optionally +86/86); Hong Kong numbers with 852 before them (+ optional); Hong Kong mobiles
     * and pagers alone (8 digits from 4 to 9, optionally split 4 + 4), standing apart from any
     * letter, digit or id punctuation, so ids, amounts, times and yyyyMMdd dates stay readable;
     * and any number written with a leading '+'.
     */
    static final List<String[]> DETECTORS = List.of(
            // '@' or its URL encoding.
            new String[] {"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", "[email]"},
            new String[] {"(?<![0-9])(\\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])", "[phone]"},
            new String[] {"(?<![0-9])\\+?852[ -]?[2-9][0-9]{3}[ -]?[0-9]{4}(?![0-9])", "[phone]"},
            new String[] {"(?<![0-9A-Za-z._/:-])[4-9][0-9]{3}[ -]?[0-9]{4}(?![0-9A-Za-z._/:-])", "[phone]"},
            new String[] {"\\+[0-9][0-9 -]{6,16}[0-9]", "[phone]"});

    private static final List<Pattern> PATTERNS =
            DETECTORS.stream().map(d -> Pattern.compile(d[0])).toList();

    /**
     * Replaces phone numbers and email addresses in free text (a quarantined raw line, a reject
     * reason) with placeholders, so what ingest writes holds no raw PII; the file and line locate
     * the original.
     */
    public static Column redact(Column text) {
        Column t = text;
        for (String[] d : DETECTORS) {
            t = regexp_replace(t, d[0], d[1]);
        }
        return t;
    }

    /**
     * The text with every value of a personal field of the same line (its raw text, as the file
     * has it) replaced by {@code [pii]} wherever it occurs: a reader knows its phone and e-mail
     * columns, so their values go whatever their shape. Values under four characters are left to
     * {@link #redact(Column)}'s detectors (a country code or a lone digit is no one's number, and
     * replacing it would blank every other digit of the line).
     */
    public static Column redactValues(Column text, List<Column> personalValues) {
        Column t = text;
        for (Column v : personalValues) {
            Column value = trim(v);
            t = when(value.isNull().or(length(value).lt(4)), t).otherwise(replace(t, value, lit("[pii]")));
        }
        return t;
    }

    /**
     * A URL with the values of these query parameters (names matched without regard to case)
     * replaced by {@code [pii]}, then {@link #redact(Column)}: a landing page's {@code ?mobile=}
     * goes whatever its shape, and a phone or e-mail under any other name by its shape.
     */
    public static Column redactUrl(Column url, List<String> personalParameters) {
        Column u = url;
        if (!personalParameters.isEmpty()) {
            String names = personalParameters.stream().map(Pattern::quote).collect(Collectors.joining("|"));
            u = regexp_replace(u, "(?i)([?&;](?:" + names + ")=)[^&#;]*", "$1[pii]");
        }
        return redact(u);
    }

    /** {@link #redact(Column)} on the driver: for messages that go to stderr, logs and ops tables. */
    public static String redactText(String text) {
        if (text == null) {
            return null;
        }
        String t = text;
        for (int i = 0; i < PATTERNS.size(); i++) {
            t = PATTERNS.get(i)
                    .matcher(t)
                    .replaceAll(Matcher.quoteReplacement(DETECTORS.get(i)[1]));
        }
        return t;
    }

    static final class HmacSha256 implements UDF1<String, String> {
        private static final long serialVersionUID = 1L;
        private final byte[] key;
        private transient Mac mac;

        HmacSha256(byte[] key) {
            this.key = key.clone();
        }

        @Override
        public String call(String value) throws GeneralSecurityException {
            if (value == null) {
                return null;
            }
            if (mac == null) { // one instance per task thread: Spark deserialises the UDF per task
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            }
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    static final class NormalisePhone implements UDF2<String, String, Row> {
        private static final long serialVersionUID = 1L;
        private final String defaultRegion;

        NormalisePhone(String defaultRegion) {
            this.defaultRegion = defaultRegion;
        }

        @Override
        public Row call(String raw, String regionOrCode) {
            String[] r = normalise(raw, regionOrCode, defaultRegion);
            return RowFactory.create(r[0], r[1]);
        }
    }

    /**
     * {e164 or null, status}. Exposed for the table-driven tests; the rules are in README.md.
     */
    public static String[] normalise(String raw, String regionOrCallingCode, String defaultRegion) {
        if (raw == null || raw.isBlank()) {
            return new String[] {null, MISSING};
        }
        String s = raw.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("null")
                || lower.equals("none")
                || lower.equals("unknown")
                || lower.equals("n/a")
                || lower.equals("-")
                || lower.equals("0")) {
            return new String[] {null, PLACEHOLDER};
        }
        if (s.indexOf('*') >= 0 || lower.matches(".*[0-9]x{2,}.*|.*x{2,}[0-9].*")) {
            return new String[] {null, MASKED};
        }
        String digits = s.replaceAll("[^0-9]", "");
        if (digits.isEmpty()) {
            return new String[] {null, INVALID};
        }
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        String region = region(regionOrCallingCode, defaultRegion, util);
        PhoneNumber number;
        try {
            number = util.parse(s, region);
        } catch (NumberParseException e) {
            return new String[] {null, INVALID};
        }
        String national = String.valueOf(number.getNationalNumber());
        if (national.chars().distinct().count() == 1 || KNOWN_FAKE_NATIONAL.contains(national)) {
            return new String[] {null, PLACEHOLDER};
        }
        if (!util.isValidNumber(number)) {
            return new String[] {null, INVALID};
        }
        return new String[] {util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164), VALID};
    }

    private static String region(String regionOrCallingCode, String defaultRegion, PhoneNumberUtil util) {
        if (regionOrCallingCode == null || regionOrCallingCode.isBlank()) {
            return defaultRegion;
        }
        String v = regionOrCallingCode.trim().replace("+", "");
        if (v.matches("[0-9]{1,3}")) {
            String r = util.getRegionCodeForCountryCode(Integer.parseInt(v));
            return "ZZ".equals(r) ? defaultRegion : r;
        }
        return v.toUpperCase(Locale.ROOT);
    }
}
