package io.backupkit.api;

import static java.util.Objects.requireNonNull;

/**
 * One broken rule of the input.
 *
 * @param field the path of the offending field from the document's type, for example
 *     {@code scheduled_backup.rrule.bymonthday[0]}; never null
 * @param rule what the field must satisfy, for example {@code must be between -31 and 31 and not 0};
 *     never null
 * @param value the offending value as JSON text (strings quoted), or null when the field is missing
 */
public record Violation(String field, String rule, String value) {
    public Violation {
        requireNonNull(field, "field is null");
        requireNonNull(rule, "rule is null");
    }

    /** {@code field: rule (got value)}, or {@code field: rule} when there is no value. */
    @Override
    public String toString() {
        return value == null ? field + ": " + rule : field + ": " + rule + " (got " + value + ")";
    }
}
