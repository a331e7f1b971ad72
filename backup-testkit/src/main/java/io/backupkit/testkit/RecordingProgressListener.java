package io.backupkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.OperationType;
import io.backupkit.api.ProgressEvent;
import io.backupkit.api.ProgressListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ProgressListener} that records every event, for tests. Thread-safe: the engine may report
 * from the thread of a background operation while the test reads.
 */
public final class RecordingProgressListener implements ProgressListener {
    private final List<ProgressEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onProgress(ProgressEvent event) {
        events.add(event);
    }

    /** Every event recorded since the start or the last {@link #clear()}, in order; a copy, never null. */
    public List<ProgressEvent> events() {
        return List.copyOf(events);
    }

    /** The recorded events of one operation type, in order; never null. */
    public List<ProgressEvent> events(OperationType type) {
        return events.stream().filter(e -> e.operationType() == type).toList();
    }

    /** The messages of the recorded events, in order; never null. */
    public List<String> messages() {
        return events.stream().map(ProgressEvent::message).toList();
    }

    /** The last event recorded. */
    public ProgressEvent last() {
        List<ProgressEvent> copy = events();
        assertThat(copy).as("recorded progress events").isNotEmpty();
        return copy.get(copy.size() - 1);
    }

    /** Forgets what was recorded. */
    public void clear() {
        events.clear();
    }

    /**
     * Checks that progress only moves forward: within one operation (a run of events of one type) the
     * completed count never decreases and never exceeds a known total, and no count is negative. An
     * event of another type, or a completed count back at 0, starts the next operation. Returns this.
     */
    public RecordingProgressListener assertMonotonic() {
        ProgressEvent previous = null;
        int index = 0;
        for (ProgressEvent event : events()) {
            assertThat(event.completed()).as("completed of event %s %s", index, event).isNotNegative();
            assertThat(event.total()).as("total of event %s %s", index, event).isNotNegative();
            if (event.total() > 0) {
                assertThat(event.completed()).as("completed of event %s %s", index, event)
                        .isLessThanOrEqualTo(event.total());
            }
            boolean sameOperation = previous != null && previous.operationType() == event.operationType()
                    && event.completed() != 0;
            if (sameOperation) {
                assertThat(event.completed()).as("completed of event %s %s after %s", index, event, previous)
                        .isGreaterThanOrEqualTo(previous.completed());
            }
            previous = event;
            index++;
        }
        return this;
    }
}
