package io.backupkit.modules.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.modules.CrashScenario;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore of two databases ({@link SqliteCrash}: one with rows in its {@code -wal}, one missing
 * before) killed at every step of prepare, commit, rollback and finish in a child JVM, then recovered
 * forward and backward: see {@link CrashScenario}.
 */
final class SqliteCrashRecoveryTest {
    @TempDir
    Path tmp;

    @Test
    void recoverBringsEveryDatabaseToOneSideAfterACrashAtAnyStep() throws Exception {
        List<String> steps = new SqliteCrash().crashAtEveryStep(tmp);

        assertThat(steps).contains("prepare main: staged", "commit main: live to previous",
                "commit main: live-wal to previous-wal", "commit main: live-shm to previous-shm",
                "commit main: stage to live", "commit cache: stage to live", "finish main: delete previous",
                "finish main: delete previous-wal", "rollback main: live to stage",
                "rollback main: previous-wal to live-wal", "rollback main: previous to live",
                "rollback main: delete stage", "rollback cache: live to stage", "rollback cache: delete stage");
    }
}
