package io.backupkit.core.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.Violation;
import io.backupkit.core.JsonCodec;
import io.backupkit.core.SharedVectors;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.WeekDay;
import net.fortuna.ical4j.transform.recurrence.Frequency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code vectors/rrule-sample.json} (a copy of {@code shared/vectors/rrule-sample.json}, computed
 * with python-dateutil): the first n occurrences, instant by instant, and whether the rule ends before n.
 */
final class OccurrencesVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The one case whose rule our validation refuses (a repeated BYDAY value). */
    private static final String REPEATED_BYDAY = "weekly_duplicate_byday";

    private final JsonCodec codec = new JsonCodec();

    static JsonNode vectors() throws IOException {
        return JSON.readTree(SharedVectors.bytes("rrule-sample.json"));
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        vectors().get("cases").forEach(c -> cases.add(Arguments.of(c.get("id").asText(), c)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void givesTheReferenceOccurrences(String id, JsonNode vector) {
        JsonNode rule = vector.get("rule");
        int n = vector.get("n").asInt();
        Occurrences occurrences;
        if (id.equals(REPEATED_BYDAY)) {
            InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                    () -> codec.read(rule.toString(), RecurrenceRule.class));
            assertThat(e.violations()).extracting(Violation::field).containsExactly("recurrence_rule.byday[2]");
            occurrences = unvalidated(rule);
        } else {
            occurrences = new Occurrences(codec.read(rule.toString(), RecurrenceRule.class), Instant.EPOCH);
        }

        List<Instant> first = occurrences.first(n);

        assertThat(first).containsExactlyElementsOf(instants(vector.get("occurrences")));
        assertThat(first.size() < n).as("exhausted").isEqualTo(vector.get("exhausted").asBoolean());
    }

    @Test
    void coversEveryCaseOfTheSharedVectors() throws IOException {
        assertThat(vectors().get("cases")).hasSize(24);
        assertThat(vectors().get("semantics").get("wkst").asText()).isEqualTo("MO");
    }

    /** The vector's WEEKLY rule as ical4j reads it, repeated values kept: the wrapper's own dedupe is tested. */
    private static Occurrences unvalidated(JsonNode rule) {
        assertThat(rule.get("freq").asText()).isEqualTo("WEEKLY");
        List<WeekDay> days = new ArrayList<>();
        rule.get("byday").forEach(d -> days.add(new WeekDay(d.asText())));
        Recur<LocalDateTime> recur = new Recur.Builder<LocalDateTime>().frequency(Frequency.WEEKLY)
                .interval(rule.get("interval").asInt()).dayList(days).weekStartDay(WeekDay.MO).build();
        assertThat(recur.getDayList()).hasSize(3);
        ZonedDateTime start = Instant.ofEpochSecond(rule.get("dtstart").asLong())
                .atZone(ZoneId.of(rule.get("timezone").asText()));
        return new Occurrences(recur, start, rule.get("count").asInt(), null);
    }

    private static List<Instant> instants(JsonNode seconds) {
        List<Instant> instants = new ArrayList<>();
        seconds.forEach(s -> instants.add(Instant.ofEpochSecond(s.asLong())));
        return instants;
    }
}
