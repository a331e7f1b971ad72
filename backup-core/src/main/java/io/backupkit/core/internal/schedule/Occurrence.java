package io.backupkit.core.internal.schedule;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One occurrence of a rule and its position among the rule's occurrences.
 *
 * @param at when it occurs
 * @param index 1 for the first occurrence from dtstart when the rule has COUNT (so that COUNT can end it);
 *     without COUNT it counts from wherever the caller started, and only differences mean something
 */
public record Occurrence(Instant at, long index) {
    public Occurrence {
        requireNonNull(at, "at is null");
        if (index < 1) {
            throw new IllegalArgumentException("index must be at least 1 (got " + index + ")");
        }
    }
}
