package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.Violation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The recurrence rules of {@code shared/vectors/rrule-sample.json} (its checked copy), read as they are. */
final class RecurrenceVectorsValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonCodec codec = new JsonCodec();

    static JsonNode vectors() throws IOException {
        return JSON.readTree(SharedVectors.bytes("rrule-sample.json"));
    }

    static Stream<Arguments> invalidRules() throws IOException {
        List<Arguments> rules = new ArrayList<>();
        vectors().get("invalid_rules").forEach(r ->
                rules.add(Arguments.of(r.get("id").asText(), r.get("field").asText(), r.get("rule").toString())));
        return rules.stream();
    }

    static Stream<Arguments> validRules() throws IOException {
        List<Arguments> rules = new ArrayList<>();
        vectors().get("cases").forEach(c -> rules.add(Arguments.of(c.get("id").asText(), c.get("rule").toString())));
        return rules.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRules")
    void refusesTheInvalidRuleNamingItsField(String id, String field, String rule) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> codec.read(rule, RecurrenceRule.class));

        assertThat(e).as(id).isNotNull();
        String path = "recurrence_rule." + field;
        assertThat(e.violations()).extracting(Violation::field)
                .anySatisfy(f -> assertThat(f.equals(path) || f.startsWith(path + "[")).as(f).isTrue());
    }

    /**
     * Every reference case's rule is valid, except one that repeats a BYDAY value: the vector's note
     * allows validation to reject it, and we do (a repeated value is always a client mistake).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validRules")
    void acceptsTheRuleOfEveryReferenceCaseWithoutRepeatedValues(String id, String rule) throws IOException {
        JsonNode node = JSON.readTree(rule);
        String repeated = null;
        for (String part : List.of("byday", "byhour", "byminute", "bymonth", "bymonthday", "bysecond", "bysetpos")) {
            JsonNode values = node.get(part);
            if (values != null && values.isArray()) {
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (int i = 0; i < values.size() && repeated == null; i++) {
                    if (!seen.add(values.get(i).asText())) {
                        repeated = "recurrence_rule." + part + "[" + i + "]";
                    }
                }
            }
        }

        if (repeated == null) {
            RecurrenceRule read = codec.read(rule, RecurrenceRule.class);
            assertThat(codec.read(codec.write(read), RecurrenceRule.class)).isEqualTo(read);
        } else {
            InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                    () -> codec.read(rule, RecurrenceRule.class));
            assertThat(e.violations()).extracting(Violation::field).containsExactly(repeated);
        }
    }

    @Test
    void statesTheAllowedRangeForOutOfRangeRules() throws IOException {
        List<String> messages = new ArrayList<>();
        vectors().get("invalid_rules").forEach(r -> {
            String id = r.get("id").asText();
            if (id.equals("bymonthday_32") || id.equals("bysetpos_minus367") || id.equals("count_overflow")) {
                messages.add(catchThrowableOfType(InvalidInputException.class,
                        () -> codec.read(r.get("rule").toString(), RecurrenceRule.class)).getMessage());
            }
        });

        assertThat(messages).containsExactly(
                "recurrence_rule.bymonthday[0]: must be between -31 and 31 and not 0 (got 32)",
                "recurrence_rule.bysetpos[0]: must be between -366 and 366 and not 0 (got -367)",
                "recurrence_rule.count: must be between 1 and 2147483647 (got 4294967297)");
    }
}
