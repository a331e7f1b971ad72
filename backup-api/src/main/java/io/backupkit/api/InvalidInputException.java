package io.backupkit.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Input that breaks one or more rules of the specification. It carries <em>every</em> violation
 * found, not only the first, each with the field path, the rule and the value.
 */
public final class InvalidInputException extends BackupException {
    private static final long serialVersionUID = 1L;

    private final transient List<Violation> violations;

    public InvalidInputException(List<Violation> violations) {
        super(ErrorCode.INVALID_INPUT, describe(violations));
        this.violations = List.copyOf(violations);
    }

    /** Every violation found, in the order found; never empty. */
    public List<Violation> violations() {
        return violations;
    }

    private static String describe(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an InvalidInputException needs at least one violation");
        }
        return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    }
}
