package io.backupkit.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Collects the violations of one record while its compact constructor checks it, so that the
 * exception carries all of them. Paths are rooted at the record's spec type name.
 */
final class Checker {
    private final String root;
    private final List<Violation> violations = new ArrayList<>();

    Checker(String root) {
        this.root = root;
    }

    String path(String field) {
        return field.isEmpty() ? root : root + "." + field;
    }

    void fail(String field, String rule, Object value) {
        violations.add(new Violation(path(field), rule, value == null ? null : Json.render(value)));
    }

    void failNoValue(String field, String rule) {
        violations.add(new Violation(path(field), rule, null));
    }

    boolean required(String field, Object value) {
        if (value == null) {
            failNoValue(field, "is required");
            return false;
        }
        return true;
    }

    void range(String field, Number value, IntRange range) {
        if (value != null && !range.contains(value.longValue())) {
            fail(field, range.rule(), value);
        }
    }

    void pattern(String field, String value, Pattern pattern) {
        if (value != null && !pattern.matcher(value).matches()) {
            fail(field, "must match " + pattern.pattern(), value);
        }
    }

    /** Checks every element of a list against a range and for duplicates. */
    void elements(String field, Collection<? extends Number> values, IntRange range) {
        if (values == null) {
            return;
        }
        Set<Number> seen = new HashSet<>();
        int index = 0;
        for (Number value : values) {
            String at = field + "[" + index++ + "]";
            if (!range.contains(value.longValue())) {
                fail(at, range.rule(), value);
            } else if (!seen.add(value)) {
                fail(at, "must not repeat a value", value);
            }
        }
    }

    /** Checks a list of names for duplicates. */
    void distinct(String field, Collection<?> values) {
        if (values == null) {
            return;
        }
        Set<Object> seen = new HashSet<>();
        int index = 0;
        for (Object value : values) {
            if (!seen.add(value)) {
                fail(field + "[" + index + "]", "must not repeat a value", value);
            }
            index++;
        }
    }

    /** Checks that no extension property reuses a declared field name. */
    void extensions(String field, Map<String, Object> properties, Set<String> declared) {
        for (String name : properties.keySet()) {
            if (declared.contains(name)) {
                failNoValue(field.isEmpty() ? name : field + "." + name,
                        "is a declared field and cannot be an extension property");
            }
        }
    }

    void throwIfAny() {
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
    }

    /** An immutable copy that keeps null as null (absent optional list); refuses null elements. */
    static <T> List<T> copyOrNull(List<T> list) {
        return list == null ? null : List.copyOf(list);
    }
}
