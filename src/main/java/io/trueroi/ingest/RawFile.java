package io.trueroi.ingest;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.Map;

/**
 * One raw export file to read: where it is, which feed and delivery date it belongs to, its
 * encoding, the attributes of the file rule that matched it (platform, time zone, ...), its size
 * in bytes and its modification time in epoch milliseconds; {@link #DELIVERY_ORDER} orders a date's
 * files.
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
        implements Serializable {

    /**
     * The order in which a date's files were delivered, the later winning a record they share: by
     * modification time, then by the relative path in natural order (digit runs compared as
     * numbers, so orders_2.csv comes before orders_10.csv), then by the path as text.
     */
    public static final Comparator<RawFile> DELIVERY_ORDER = Comparator.comparingLong(RawFile::modified)
            .thenComparing(RawFile::relativePath, RawFile::compareNatural)
            .thenComparing(RawFile::relativePath);

    /** Compares text with each run of digits read as a number ("a2" before "a10"). */
    static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                int c = new BigInteger(a.substring(si, i)).compareTo(new BigInteger(b.substring(sj, j)));
                if (c != 0) {
                    return c;
                }
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
