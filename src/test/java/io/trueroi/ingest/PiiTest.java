package io.trueroi.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Phone normalisation rules (README, "Identifiers and PII") and the HMAC used for every hash. */
class PiiTest {
    @ParameterizedTest(name = "{0} (region {1}) -> {2} {3}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            textBlock =
                    """
      # raw                 | region or code | e164            | status
      13812345678           | NULL           | +8613812345678  | valid
      138-1234-5678         | 86             | +8613812345678  | valid
      138 1234 5678         | CN             | +8613812345678  | valid
      +86 138 1234 5678     | NULL           | +8613812345678  | valid
      86 13812345678        | NULL           | +8613812345678  | valid
      008613812345678       | NULL           | +8613812345678  | valid
      (+86)13812345678      | NULL           | +8613812345678  | valid
      51234567              | 852            | +85251234567    | valid
      51234567              | HK             | +85251234567    | valid
      +852 5123 4567        | NULL           | +85251234567    | valid
      +44 7911 123456       | NULL           | +447911123456   | valid
      138****5678           | NULL           | NULL            | masked
      138xxxx5678           | NULL           | NULL            | masked
      11111111111           | NULL           | NULL            | placeholder
      00000000000           | NULL           | NULL            | placeholder
      13800138000           | NULL           | NULL            | placeholder
      unknown               | NULL           | NULL            | placeholder
      NULL                  | NULL           | NULL            | missing
      '   '                 | NULL           | NULL            | missing
      12345                 | NULL           | NULL            | invalid
      not a phone           | NULL           | NULL            | invalid
      1381234567            | NULL           | NULL            | invalid
      """)
    void normalisesPhones(String raw, String region, String e164, String status) {
        assertArrayEquals(new String[] {e164, status}, Pii.normalise(raw, region, "CN"));
    }

    @Test
    void defaultRegionAppliesToNumbersWithoutCountryCode() {
        assertArrayEquals(new String[] {"+85251234567", "valid"}, Pii.normalise("5123 4567", null, "HK"));
    }

    @Test
    void hmacMatchesRfc4231TestCase2() throws Exception {
        // RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?".
        String expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assertEquals(
                expected,
                new Pii.HmacSha256("Jefe".getBytes(StandardCharsets.US_ASCII)).call("what do ya want for nothing?"));
    }
}
