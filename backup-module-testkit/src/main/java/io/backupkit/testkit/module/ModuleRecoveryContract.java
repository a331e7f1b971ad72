package io.backupkit.testkit.module;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.spi.BackupModule;
import io.backupkit.spi.RestoreStage;
import io.backupkit.testkit.InMemoryArchive;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The part of {@link ModuleContractTest} that checks {@link BackupModule#recover}: after a prepare or a
 * commit that a crash interrupted, recovering backward brings back the live data as it was and leaves
 * nothing behind, recovering forward gives the data of the backup and leaves nothing named with the
 * restore's id, and recovering again changes nothing. Each test is skipped (an aborted assumption) when
 * the module does not support {@code recover}. Extend {@link ModuleContractTest}, not this class.
 */
public abstract class ModuleRecoveryContract extends ModuleContractSupport {
    @Test
    public final void recoverOfAnUnknownRestoreChangesNothing(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        Map<String, String> live = view(snapshotLiveData(workDir));
        List<String> files = listing(workDir);

        recoverOrSkip(module, newRestoreId(), Map.of(), false);
        module.recover(newRestoreId(), Map.of(), true);

        assertThat(view(snapshotLiveData(workDir))).isEqualTo(live);
        assertThat(listing(workDir)).as("files under the work directory after recovering nothing").isEqualTo(files);
    }

    @Test
    public final void recoverBackwardAfterPrepareLeavesLiveDataUntouchedAndNothingBehind(@TempDir Path workDir)
            throws Exception {
        Scene scene = scene(workDir);

        scene.recover(scene.prepare(false), false, 1);

        scene.assertChangedDataIsBack("after recovering backward");
    }

    @Test
    public final void recoverForwardAfterPrepareRestoresTheBackup(@TempDir Path workDir) throws Exception {
        Scene scene = scene(workDir);

        String id = scene.recover(scene.prepare(false), true, 1);

        scene.assertBackupIsRestored(id, "after recovering forward");
    }

    @Test
    public final void recoverForwardAfterCommitKeepsTheBackup(@TempDir Path workDir) throws Exception {
        Scene scene = scene(workDir);

        String id = scene.recover(scene.prepare(true), true, 1);

        scene.assertBackupIsRestored(id, "after recovering forward");
    }

    @Test
    public final void recoverBackwardAfterCommitBringsBackThePreviousLiveData(@TempDir Path workDir)
            throws Exception {
        Scene scene = scene(workDir);

        scene.recover(scene.prepare(true), false, 1);

        scene.assertChangedDataIsBack("after recovering backward");
    }

    @Test
    public final void recoverTwiceIsHarmless(@TempDir Path workDir) throws Exception {
        Scene scene = scene(workDir);

        scene.recover(scene.prepare(true), false, 2);
        scene.assertChangedDataIsBack("after recovering backward twice");

        String id = scene.recover(scene.prepare(true), true, 2);
        scene.assertBackupIsRestored(id, "after recovering forward twice");
    }

    /**
     * The module with a backup of its sample data, then changed; skips the test when the module does not
     * support recover.
     */
    private Scene scene(Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        recoverOrSkip(module, newRestoreId(), Map.of(), false);
        Map<String, String> atBackup = view(snapshotLiveData(workDir));
        InMemoryArchive archive = backup(module, false);
        Map<String, String> changed = view(changeAndCheck(workDir));
        return new Scene(workDir, module, archive, atBackup, changed, listing(workDir));
    }

    /** A restore to interrupt: the module, its archive, the data at the backup and after the change. */
    private final class Scene {
        private final Path workDir;
        private final BackupModule module;
        private final InMemoryArchive archive;
        private final Map<String, String> atBackup;
        private final Map<String, String> changed;
        private final List<String> files;

        Scene(Path workDir, BackupModule module, InMemoryArchive archive, Map<String, String> atBackup,
                Map<String, String> changed, List<String> files) {
            this.workDir = workDir;
            this.module = module;
            this.archive = archive;
            this.atBackup = atBackup;
            this.changed = changed;
            this.files = files;
        }

        /** A prepared restore with a new id, committed when asked, left as a crash would leave it. */
        Interrupted prepare(boolean commit) throws Exception {
            String id = newRestoreId();
            RestoreStage stage = ModuleContractSupport.prepare(module, archive, id);
            if (commit) {
                stage.commit();
            }
            return new Interrupted(id, stage.journal());
        }

        /** Recovers the restore {@code times} times; returns its id. */
        String recover(Interrupted restore, boolean forward, int times) throws Exception {
            for (int i = 0; i < times; i++) {
                module.recover(restore.id(), restore.journal(), forward);
            }
            return restore.id();
        }

        void assertChangedDataIsBack(String when) throws Exception {
            assertThat(view(snapshotLiveData(workDir))).as("live data %s", when).isEqualTo(changed);
            assertThat(listing(workDir)).as("files under the work directory %s", when).isEqualTo(files);
        }

        void assertBackupIsRestored(String id, String when) throws Exception {
            assertThat(view(snapshotLiveData(workDir))).as("live data %s", when).isEqualTo(atBackup);
            assertNothingNamedWith(workDir, id);
        }
    }

    /** What the engine keeps of a restore that a crash interrupted: its id and its stage's journal. */
    private record Interrupted(String id, Map<String, String> journal) {
    }
}
