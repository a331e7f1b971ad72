package io.backupkit.api;

/**
 * The allowed range of an integer field of the specification, inclusive at both ends.
 *
 * @param min the smallest allowed value
 * @param max the largest allowed value
 * @param zeroAllowed false where the specification calls 0 invalid inside the range (bymonthday,
 *     bysetpos)
 */
public record IntRange(long min, long max, boolean zeroAllowed) {
    public IntRange {
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " is greater than max " + max);
        }
    }

    /** An inclusive range in which 0 is allowed when inside it. */
    public static IntRange of(long min, long max) {
        return new IntRange(min, max, true);
    }

    /** An inclusive range in which 0 is not allowed. */
    public static IntRange nonZero(long min, long max) {
        return new IntRange(min, max, false);
    }

    /** Whether the value lies in the range. */
    public boolean contains(long value) {
        return value >= min && value <= max && (zeroAllowed || value != 0);
    }

    /** The rule as an error message states it: {@code must be between 1 and 9999}. */
    public String rule() {
        String rule = "must be between " + min + " and " + max;
        return zeroAllowed ? rule : rule + " and not 0";
    }
}
