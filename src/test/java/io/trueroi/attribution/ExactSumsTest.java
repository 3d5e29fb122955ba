package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ExactSums} against {@link BigInteger} sums of the same units, in shuffled orders. */
class ExactSumsTest {
    @Test
    void aSumIsTheSameInAnyOrderAndEqualsTheBigIntegerSum() {
        Random random = new Random(30);
        List<long[]> terms = new ArrayList<>(); // {units, times}
        BigInteger expected = BigInteger.ZERO;
        for (int i = 0; i < 5000; i++) {
            long units = random.nextBoolean() ? ExactSums.units(random.nextGaussian() * 1e6) : Long.MAX_VALUE - i;
            int times = random.nextInt(12) - 1;
            terms.add(new long[] {units, times});
            expected = expected.add(BigInteger.valueOf(units).multiply(BigInteger.valueOf(times)));
        }
        for (int round = 0; round < 3; round++) {
            Collections.shuffle(terms, random);
            ExactSums left = new ExactSums(2);
            ExactSums right = new ExactSums(2);
            for (int i = 0; i < terms.size(); i++) {
                (i % 3 == 0 ? left : right).add(1, terms.get(i)[0], (int) terms.get(i)[1]);
            }
            assertEquals(expected, left.merge(right).exact(1), "round " + round);
            assertEquals(BigInteger.ZERO, left.exact(0));
        }
    }

    @Test
    void unitsRoundHalfToEvenAndValuesComeBackCorrectlyRounded() {
        assertEquals(1L << 32, ExactSums.units(1.0));
        assertEquals(0, ExactSums.units(0x1p-33), "half a unit rounds to even: 0");
        assertEquals(2, ExactSums.units(3 * 0x1p-33), "one and a half units: 2");
        assertEquals(ExactSums.count(5), ExactSums.units(5.0));
        ExactSums s = new ExactSums(1);
        s.add(0, ExactSums.units(0.25), 3);
        s.add(0, ExactSums.units(-1.5), 1);
        assertEquals(-0.75, s.get(0), 0.0);
        assertThrows(ArithmeticException.class, () -> ExactSums.units(Double.NaN));
        assertThrows(ArithmeticException.class, () -> ExactSums.units(0x1p31));
        assertThrows(ArithmeticException.class, () -> ExactSums.count(-1));
    }
}
