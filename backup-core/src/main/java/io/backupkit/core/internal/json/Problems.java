package io.backupkit.core.internal.json;

import io.backupkit.api.InvalidInputException;
import io.backupkit.api.Json;
import io.backupkit.api.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The violations found while reading one document. A violation at a path is dropped when the same
 * path or a path inside it already has one, so a field reported as malformed is not reported again as
 * missing when its record is built.
 */
final class Problems {
    private final List<Violation> violations = new ArrayList<>();

    void add(String path, String rule, Object value) {
        add(new Violation(path, rule, value == null ? null : Json.render(value)));
    }

    void addRendered(String path, String rule, String renderedValue) {
        add(new Violation(path, rule, renderedValue));
    }

    private void add(Violation violation) {
        String path = violation.field();
        for (Violation known : violations) {
            String field = known.field();
            if (field.equals(path) || field.startsWith(path + ".") || field.startsWith(path + "[")) {
                return;
            }
        }
        violations.add(violation);
    }

    int count() {
        return violations.size();
    }

    /**
     * Builds a record, moving the violations its constructor finds under {@code path}. A record reports
     * paths from its own type name ({@code recurrence_rule.count}); that first segment is replaced by
     * {@code path}.
     */
    <T> T build(String path, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (InvalidInputException e) {
            for (Violation v : e.violations()) {
                add(new Violation(reroot(path, v.field()), v.rule(), v.value()));
            }
            return null;
        } catch (IllegalArgumentException e) {
            add(path, e.getMessage(), null);
            return null;
        }
    }

    private static String reroot(String path, String field) {
        int dot = field.indexOf('.');
        return dot < 0 ? path : path + field.substring(dot);
    }

    void throwIfAny() {
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
    }
}
