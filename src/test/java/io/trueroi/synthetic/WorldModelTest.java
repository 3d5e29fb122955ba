package io.trueroi.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The causal model itself, without Spark: determinism, removal only ever loses purchases, bots. */
class WorldModelTest {
    final WorldModel world = new WorldModel(7, LocalDate.of(2026, 9, 1), LocalDate.of(2026, 10, 30), 6);

    @Test
    void aPersonIsTheSameEveryTime() {
        // A second model of the same seed shares nothing with the first but its arguments; one of
        // another seed must differ, or the comparison could not fail.
        WorldModel again = new WorldModel(7, LocalDate.of(2026, 9, 1), LocalDate.of(2026, 10, 30), 6);
        WorldModel other = new WorldModel(8, LocalDate.of(2026, 9, 1), LocalDate.of(2026, 10, 30), 6);
        int differ = 0;
        for (long p = 0; p < 200; p++) {
            assertEquals(world.touches(p), again.touches(p));
            assertEquals(world.purchases(p, world.touches(p), -1), again.purchases(p, again.touches(p), -1));
            differ += world.touches(p).equals(other.touches(p)) ? 0 : 1;
        }
        assertTrue(differ > 100, "another seed is another world: " + differ + " of 200 people differ");
    }

    @Test
    void removingAChannelOnlyRemovesPurchasesOnDaysItsTouchesReach() {
        long lost = 0;
        for (long p = 0; p < 3_000; p++) {
            List<WorldModel.Touch> touches = world.touches(p);
            List<WorldModel.Purchase> with = world.purchases(p, touches, -1);
            for (int c = 0; c < world.channels().size(); c++) {
                List<WorldModel.Purchase> without = world.purchases(p, touches, c);
                assertTrue(with.containsAll(without), "same random numbers: nothing new is bought without a channel");
                for (WorldModel.Purchase gone :
                        with.stream().filter(u -> !without.contains(u)).toList()) {
                    final int channel = c;
                    // A lost purchase had a touch of that channel within the 30 days before it.
                    assertTrue(
                            touches.stream()
                                    .anyMatch(t -> t.channel() == channel
                                            && t.day() <= gone.day()
                                            && gone.day() - t.day() < world.windowDays()),
                            "person " + p + " day " + gone.day());
                    lost++;
                }
            }
        }
        assertTrue(lost > 100, "the channels cause purchases in this world: " + lost);
    }

    @Test
    void botsClickThirtyTimesInAnHourAndNeverBuy() {
        long bot = world.spec().botEvery() - 1;
        List<WorldModel.Touch> touches = world.touches(bot);
        assertEquals(30, touches.size());
        long first =
                touches.stream().mapToLong(WorldModel.Touch::epochSecond).min().orElseThrow();
        long last =
                touches.stream().mapToLong(WorldModel.Touch::epochSecond).max().orElseThrow();
        assertTrue(last - first < 3_600);
        assertEquals(List.of(), world.purchases(bot, touches, -1));
    }
}
