package io.backupkit.core.internal.schedule;

import java.time.Instant;
import java.util.Iterator;

/**
 * The candidates of a rule before COUNT and UNTIL: distinct instants in ascending order, none before dtstart,
 * every one with dtstart's nano-of-second. Thread-safe; each call walks on its own.
 */
interface Expansion {
    /** The candidates at or after {@code from}, ascending; it ends when the rule does. */
    Iterator<Instant> from(Instant from);

    /** How many candidates lie in [{@code from}, {@code to}]; 0 when {@code from} is after {@code to}. */
    long count(Instant from, Instant to);

    /**
     * [from, to] in whole epoch seconds, for candidates that all carry the nano-of-second {@code nano}: a
     * candidate at second s (and that nano) lies in [from, to] exactly when {@code first <= s <= last}.
     */
    record Seconds(long first, long last) {
        static Seconds of(Instant from, Instant to, int nano) {
            return new Seconds(from.getEpochSecond() + (nano >= from.getNano() ? 0 : 1),
                    to.getEpochSecond() - (nano <= to.getNano() ? 0 : 1));
        }

        boolean isEmpty() {
            return first > last;
        }

        boolean contains(long second) {
            return second >= first && second <= last;
        }

        /** How many of {@code base + offsets[i]} (ascending offsets) lie in the range. */
        long count(long base, int[] offsets) {
            if (offsets.length == 0) {
                return 0;
            }
            if (base + offsets[0] >= first && base + offsets[offsets.length - 1] <= last) {
                return offsets.length;
            }
            long n = 0;
            for (int offset : offsets) {
                if (contains(base + offset)) {
                    n++;
                }
            }
            return n;
        }
    }
}
