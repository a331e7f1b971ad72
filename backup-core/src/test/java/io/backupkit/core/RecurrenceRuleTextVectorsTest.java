package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.Violation;
import io.backupkit.core.internal.schedule.Occurrences;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RFC 5545 text of every rule of {@code shared/vectors/rrule-sample.json} (its checked copy): a valid rule
 * reads back equal and with the same occurrences; an invalid one, written as text, is refused naming its field.
 */
final class RecurrenceRuleTextVectorsTest {
    private static final List<String> PARTS = List.of("interval", "count", "until", "bymonth", "bymonthday", "byday",
            "byhour", "byminute", "bysecond", "bysetpos");
    private final JsonCodec codec = new JsonCodec();

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        RecurrenceVectorsValidationTest.vectors().get("cases").forEach(c -> cases.add(Arguments.of(c.get("id").asText(),
                c.get("rule"))));
        return cases.stream();
    }

    static Stream<Arguments> invalidRules() throws IOException {
        List<Arguments> rules = new ArrayList<>();
        RecurrenceVectorsValidationTest.vectors().get("invalid_rules").forEach(r -> rules.add(Arguments.of(
                r.get("id").asText(), r.get("field").asText(), r.get("rule"))));
        return rules.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readsBackTheTextOfEveryReferenceRuleWithTheSameOccurrences(String id, JsonNode json) {
        if (id.equals("weekly_duplicate_byday")) { // refused as JSON too: a repeated BYDAY value
            InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                    () -> RecurrenceRule.parse(text(json)));
            assertThat(e.violations()).extracting(Violation::field).containsExactly("recurrence_rule.byday[2]");
            return;
        }
        RecurrenceRule rule = codec.read(json.toString(), RecurrenceRule.class);

        String text = rule.toRfc5545();
        RecurrenceRule read = RecurrenceRule.parse(text);

        assertThat(read).as(text).isEqualTo(rule);
        assertThat(new Occurrences(read, Instant.EPOCH).first(30)).isEqualTo(new Occurrences(rule, Instant.EPOCH).first(30));
        assertThat(text.substring(text.lastIndexOf(':') + 1)).as("an RFC 5545 frequency")
                .matches("FREQ=(YEARLY|MONTHLY|WEEKLY|DAILY|HOURLY)(;.*)?");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRules")
    void refusesTheTextOfEveryInvalidRuleNamingItsField(String id, String field, JsonNode json) {
        if (json.path("count").isTextual()) {
            return; // "5" for 5: text has no types
        }
        String text = text(json);

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> RecurrenceRule.parse(text));

        assertThat(e).as(text).isNotNull();
        assertThat(e.violations()).extracting(Violation::field).as(text).anySatisfy(f -> assertThat(
                f.equals("RRULE." + field.toUpperCase(Locale.ROOT)) || f.equals("recurrence_rule." + field)
                        || f.startsWith("recurrence_rule." + field + "[")).as(f).isTrue());
    }

    /** A rule in the JSON form as text, written here part by part, without the model's checks. */
    private static String text(JsonNode rule) {
        StringBuilder lines = new StringBuilder();
        if (rule.hasNonNull("dtstart")) {
            lines.append("DTSTART:").append(utc(rule.get("dtstart").asLong())).append('\n');
        }
        String freq = rule.path("freq").asText(null);
        StringBuilder value = new StringBuilder();
        if ("ONETIME".equals(freq) || "QUARTERLY".equals(freq)) {
            lines.append("RRULE;X-BACKUPKIT-FREQ=").append(freq).append(':');
            value.append("FREQ=").append(freq.equals("ONETIME") ? "DAILY" : "MONTHLY");
        } else {
            lines.append("RRULE:");
            if (freq != null) {
                value.append("FREQ=").append(freq);
            }
        }
        for (String part : PARTS) {
            JsonNode v = rule.get(part);
            if (v == null || v.isNull()) {
                continue;
            }
            String text = part.equals("until") ? utc(Long.parseLong(v.asText()))
                    : v.isArray() ? String.join(",", toStrings(v)) : v.asText();
            if (part.equals("interval") && "QUARTERLY".equals(freq)) {
                text = String.valueOf(3 * v.asInt());
            }
            value.append(value.length() == 0 ? "" : ";").append(part.toUpperCase(Locale.ROOT)).append('=').append(text);
        }
        return lines.append(value).toString();
    }

    private static List<String> toStrings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(e -> values.add(e.asText()));
        return values;
    }

    private static String utc(long epochSecond) {
        return LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss")) + "Z";
    }
}
