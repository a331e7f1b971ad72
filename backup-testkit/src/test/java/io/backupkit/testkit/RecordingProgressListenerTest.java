package io.backupkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.OperationType;
import io.backupkit.api.ProgressEvent;
import org.junit.jupiter.api.Test;

/** The recording listener; {@code InMemoryTransportTest} in backup-module-testkit uses it behind an engine. */
final class RecordingProgressListenerTest {
    @Test
    void refusesProgressThatGoesBack() {
        RecordingProgressListener progress = new RecordingProgressListener();
        progress.onProgress(new ProgressEvent(OperationType.BACKUP, "a", 5, 10, 1, "half"));
        progress.onProgress(new ProgressEvent(OperationType.BACKUP, "a", 4, 10, 1, "back"));

        assertThatThrownBy(progress::assertMonotonic).isInstanceOf(AssertionError.class);
        progress.clear();
        assertThat(progress.events()).isEmpty();
    }
}
