package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast rounding of {@link Credits.Split} against the rule it implements, written out with
 * BigDecimal here: conversion credit = {@code BigDecimal.valueOf(share)} half-up to 12 places;
 * revenue = cents × (share half-up to 18 places), half-even to a cent.
 */
class CreditRoundingTest {
    static long exactUnits(double share) {
        return BigDecimal.valueOf(share)
                .setScale(12, RoundingMode.HALF_UP)
                .unscaledValue()
                .longValueExact();
    }

    static long exactCents(long cents, double share) {
        return BigDecimal.valueOf(cents)
                .multiply(BigDecimal.valueOf(share).setScale(18, RoundingMode.HALF_UP))
                .setScale(0, RoundingMode.HALF_EVEN)
                .longValueExact();
    }

    @Test
    void fastPathsAgreeWithTheDecimalRuleOnRandomShares() {
        SplittableRandom random = new SplittableRandom(20261123L);
        for (int k = 0; k < 200_000; k++) {
            // Shares as models make them: ratios of small weights, powers of two (time decay), uniforms.
            double share =
                    switch (k % 3) {
                        case 0 -> (1 + random.nextInt(50)) / (double) (1 + random.nextInt(50) + 50);
                        case 1 -> Math.pow(2, -random.nextDouble() * 20);
                        default -> random.nextDouble();
                    };
            long cents = random.nextLong(-1_000_000_000L, 100_000_000_000L);
            assertEquals(exactUnits(share), Credits.Split.creditUnits(share), "share " + share);
            assertEquals(exactCents(cents, share), Credits.Split.revenueCents(cents, share), cents + " x " + share);
        }
    }

    @Test
    void tiesFollowTheDecimalRule() {
        // 999 cents / 2 = 499.5: half-even gives 500 (the test in CreditsTest then puts the -1 cent
        // remainder on the last touch: 5.00 and 4.99).
        assertEquals(500, Credits.Split.revenueCents(999, 0.5));
        assertEquals(0, Credits.Split.revenueCents(1, 0.5), "0.5 cent -> 0 (even)");
        assertEquals(2, Credits.Split.revenueCents(3, 0.5), "1.5 cents -> 2 (even)");
        // 0.1 is 0.1000000000000000055... in binary; its decimal form 0.1 times 5 is exactly 0.5.
        assertEquals(0, Credits.Split.revenueCents(5, 0.1));
        // A share whose 13th decimal is 5: 0.0000000000005 rounds half-up to 0.000000000001.
        assertEquals(1, Credits.Split.creditUnits(5e-13));
        assertEquals(exactUnits(0.1234567890125), Credits.Split.creditUnits(0.1234567890125));
        // Beyond 1e12 cents the exact path is taken.
        assertEquals(exactCents(3_000_000_000_001L, 1.0 / 3), Credits.Split.revenueCents(3_000_000_000_001L, 1.0 / 3));
    }
}
