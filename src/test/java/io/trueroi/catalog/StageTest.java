package io.trueroi.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The stage declarations are the one source of who writes what: every table a stage owns has one
 * writer, the ops tables none but the runner, and the README's stage table is {@link
 * Stage#markdown()}. (That a stage reads nothing it does not declare is enforced on every run,
 * {@code PipelineTest}; that it reads every input it declares, on the sample night,
 * {@code SampleDataNightlyTest}.)
 */
class StageTest {
    static final String BEGIN = "<!-- stage-table:begin (generated from Stage) -->\n";
    static final String END = "<!-- stage-table:end -->";

    @Test
    void everyTableOutsideOpsHasExactlyOneWritingStage() {
        for (Table t : Table.values()) {
            long writers = Arrays.stream(Stage.values())
                    .filter(s -> s.writes().contains(t))
                    .count();
            boolean runners = t.layer() == Layer.OPS && t != Table.INGESTED_FILES;
            assertEquals(runners ? 0 : 1, writers, t.toString());
            assertEquals(
                    runners ? t.writtenBy() : Stage.writerOf(t).orElseThrow().id(), t.writtenBy());
        }
    }

    @Test
    void lockPartsSplitIngestBySourceGroup() {
        assertEquals(
                Set.of("ingest:ads", "ingest:pos", "identity"),
                Stage.lockParts(List.of(Stage.INGEST, Stage.IDENTITY), Set.of("ads", "pos")));
        // A stage's inputs are what it reads less what it writes: the marts read their own
        // earlier customer_ltv (not an input) and silver.ad_spend (one).
        assertTrue(Stage.MARTS.reads().contains(Table.CUSTOMER_LTV));
        assertFalse(Stage.MARTS.inputs().contains(Table.CUSTOMER_LTV));
        assertTrue(Stage.MARTS.inputs().contains(Table.AD_SPEND));
        for (Stage s : Stage.values()) {
            assertTrue(s.inputs().stream().noneMatch(s.writes()::contains), s.toString());
        }
    }

    @Test
    void theReadmesStageTableIsGeneratedFromTheDeclarations() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "README.md has the stage table markers");
        String expected = Stage.markdown();
        String actual = readme.substring(begin + BEGIN.length(), end);
        if (!expected.equals(actual)) {
            Path out = Path.of("target", "stage-table.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, expected, StandardCharsets.UTF_8);
        }
        assertEquals(expected, actual, "README.md's stage table; the generated one is in target/stage-table.md");
    }
}
