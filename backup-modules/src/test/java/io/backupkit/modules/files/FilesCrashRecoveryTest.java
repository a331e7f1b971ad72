package io.backupkit.modules.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.modules.CrashScenario;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore of three roots ({@link FilesCrash}) killed at every step of prepare, commit, rollback and
 * finish in a child JVM, then recovered forward and backward: see {@link CrashScenario}.
 */
final class FilesCrashRecoveryTest {
    @TempDir
    Path tmp;

    @Test
    void recoverBringsEveryRootToOneSideAfterACrashAtAnyStep() throws Exception {
        List<String> steps = new FilesCrash().crashAtEveryStep(tmp);

        assertThat(steps).contains("prepare b: staging", "commit a: live to previous", "commit a: stage to live",
                "commit c: stage to live", "finish a: previous to discard", "finish b: delete discard",
                "finish b: deleting discard", "rollback c: live to stage", "rollback a: live to stage",
                "rollback a: previous to live", "rollback a: stage to discard", "rollback b: deleting discard");
    }
}
