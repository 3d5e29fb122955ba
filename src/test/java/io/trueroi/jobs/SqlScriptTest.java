package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        String script =
                """
        -- header comment; not a split
        SELECT 'a;b' AS x, "c;d" AS y, `e;f` FROM t;
        /* block; comment */ SELECT 2 -- trailing; comment
        ;
        SELECT 'it''s' ;;
        -- only a comment;
        """;
        assertEquals(
                List.of(
                        "-- header comment; not a split\nSELECT 'a;b' AS x, \"c;d\" AS y, `e;f` FROM t",
                        "/* block; comment */ SELECT 2 -- trailing; comment",
                        "SELECT 'it''s'"),
                SqlScript.split(script));
    }

    @Test
    void emptyScriptsHaveNoStatements() {
        assertEquals(List.of(), SqlScript.split(""));
        assertEquals(List.of(), SqlScript.split(" ; ;\n-- nothing\n/* nothing */"));
    }
}
