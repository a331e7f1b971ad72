package io.backupkit.core.internal.schedule;

import java.time.Instant;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * A zone's UTC offset by epoch second, remembered up to the next transition, so that a walk forward through
 * time asks the zone rules once per transition. Not thread-safe: one per walk.
 */
final class Offsets {
    private final ZoneRules rules;
    private long validFrom = Long.MAX_VALUE;
    private long validUntil = Long.MIN_VALUE;
    private int offset;

    Offsets(ZoneRules rules) {
        this.rules = rules;
    }

    /** The offset in seconds at {@code epochSecond}. */
    int at(long epochSecond) {
        locate(epochSecond);
        return offset;
    }

    /** Whether the offset stays the same from {@code fromSecond} to {@code toSecond}. */
    boolean steady(long fromSecond, long toSecond) {
        locate(fromSecond);
        return validUntil > toSecond;
    }

    /** The one change of offset after {@code fromSecond} and at or before {@code toSecond}; null for none or more. */
    ZoneOffsetTransition only(long fromSecond, long toSecond) {
        ZoneOffsetTransition first = rules.nextTransition(Instant.ofEpochSecond(fromSecond));
        if (first == null || first.getInstant().getEpochSecond() > toSecond) {
            return null;
        }
        ZoneOffsetTransition second = rules.nextTransition(first.getInstant());
        return second == null || second.getInstant().getEpochSecond() > toSecond ? first : null;
    }

    private void locate(long epochSecond) {
        if (epochSecond >= validFrom && epochSecond < validUntil) {
            return;
        }
        Instant at = Instant.ofEpochSecond(epochSecond);
        offset = rules.getOffset(at).getTotalSeconds();
        ZoneOffsetTransition next = rules.nextTransition(at);
        validFrom = epochSecond;
        validUntil = next == null ? Long.MAX_VALUE : next.getInstant().getEpochSecond();
    }
}
