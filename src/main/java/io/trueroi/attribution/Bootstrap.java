package io.trueroi.attribution;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The Poisson bootstrap over persons: replicate b counts each person {@code w_b ~ Poisson(1)} times
 * (Hanley &amp; MacGibbon 2006; Chamandy et al. 2012), so a replicate is a weighted pass over the same
 * rows rather than a resample, and all replicates come from one pass. The weights are a function
 * of the person alone (a generator seeded by the person's {@link #personKeys key}): every fit and
 * every total of a replicate sees the same persons with the same counts, on any partitioning, in a
 * backfill as in a run of nights.
 *
 * <p>Cost: {@code replicates} uniform draws per call, no allocation.
 */
public class Bootstrap implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Replicates when {@code trueroi.attribution.intervals.replicates} is not set. */
    public static final int REPLICATES_DEFAULT = 100;

    /** The interval's coverage when {@code trueroi.attribution.intervals.level} is not set. */
    public static final double LEVEL_DEFAULT = 0.90;

    /**
     * The column a replicate's counts are drawn for: the person's smallest identifier hash, not the
     * OneID label ({@link #keyed}).
     */
    public static final String PERSON_KEY = "bootstrap_person";

    private static final double E_INVERSE = Math.exp(-1);

    private final int replicates;

    Bootstrap(int replicates) {
        if (replicates < 1) {
            throw new IllegalArgumentException("replicates must be at least 1, cannot be: " + replicates);
        }
        this.replicates = replicates;
    }

    /**
     * Per OneID, its smallest identifier hash ({@code identity.identity_map}): what the counts are
     * drawn for. A OneID's label depends on the history of merges (a backfill and a run of nights
     * can name the same person differently); the person's identifiers do not, so counts drawn for
     * them give a backfill and a run of nights the same replicates. Cost: one aggregation of the
     * identity map.
     */
    public static Dataset<Row> personKeys(Dataset<Row> identityMap) {
        return identityMap
                .groupBy("one_id")
                .agg(org.apache.spark.sql.functions.min("id_value_hash").as(PERSON_KEY));
    }

    /**
     * {@code data} (with a {@code one_id} column) with {@link #PERSON_KEY}: the person's key from
     * {@code personKeys} ({@link #personKeys}), or the OneID where it has none or there are none.
     */
    static Dataset<Row> keyed(Dataset<Row> data, Dataset<Row> personKeys) {
        if (personKeys == null) {
            return data.withColumn(PERSON_KEY, col("one_id"));
        }
        return data.join(personKeys, new String[] {"one_id"}, "left")
                .withColumn(PERSON_KEY, coalesce(col(PERSON_KEY), col("one_id")));
    }

    /** The Poisson bootstrap of {@code replicates} replicates. */
    public static Bootstrap poisson(int replicates) {
        return new Bootstrap(replicates);
    }

    public int replicates() {
        return replicates;
    }

    /** Fills {@code counts[0..replicates)} with the person's count in each replicate. */
    public void weights(String personKey, int[] counts) {
        SplittableRandom random = new SplittableRandom(seed(personKey));
        for (int b = 0; b < replicates; b++) {
            counts[b] = poisson1(random.nextDouble());
        }
    }

    /** Poisson(1) by inversion of its distribution function at {@code u}. */
    static int poisson1(double u) {
        int k = 0;
        double p = E_INVERSE;
        double cdf = p;
        // The tail beyond 20 is below 1e-19, under a double's resolution near 1.
        while (u >= cdf && k < 20) {
            k++;
            p /= k;
            cdf += p;
        }
        return k;
    }

    /**
     * The id's 64-bit FNV-1a hash over its UTF-16 units: {@link String#hashCode} collides for ids
     * as alike as "Aa" and "BB", which would give two persons the same counts; the generator mixes
     * the seed before use.
     */
    static long seed(String oneId) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < oneId.length(); i++) {
            h ^= oneId.charAt(i);
            h *= 0x100000001B3L;
        }
        return h;
    }
}
