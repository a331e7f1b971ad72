package io.backupkit.api;

import java.util.List;

/**
 * The body of every error answer of the HTTP API (JSON {@code error}:
 * {@code {"error_id", "error_text", "violations"?: [{"field", "rule", "value"?}]}}). Not a type of the
 * specification.
 *
 * @param errorId what kind of error it is, stable for programs to act on ({@code invalid_input},
 *     {@code not_found}, {@code busy}, ...); never null
 * @param errorText what went wrong, for people, naming the identifiers involved; never null
 * @param violations every rule the input broke, for {@code invalid_input}; never null, possibly empty
 *     (then left out of the JSON). Null reads as empty
 */
public record ApiError(String errorId, String errorText, List<Violation> violations) {
    public ApiError {
        violations = violations == null ? List.of() : List.copyOf(violations);
        Checker c = new Checker("error");
        c.required("error_id", errorId);
        c.required("error_text", errorText);
        c.throwIfAny();
    }

    /** An error without violations. */
    public static ApiError of(String errorId, String errorText) {
        return new ApiError(errorId, errorText, List.of());
    }
}
