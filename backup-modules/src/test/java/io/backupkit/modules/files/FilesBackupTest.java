package io.backupkit.modules.files;

import static io.backupkit.modules.files.FilesModuleContractTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleOption;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.testkit.InMemoryArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups that cannot be empty by mistake: roots that are missing, optional or unreadable; the options. */
final class FilesBackupTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private final List<String> warnings = new ArrayList<>();

    @Test
    void missingRootFailsEstimateAndBackupBeforeAnythingIsWritten() throws Exception {
        write(tmp.resolve("a/x.txt"), "x", "rw-r--r--");
        Path missing = tmp.resolve("b");
        FilesModule module = module(Map.of("root.a", tmp.resolve("a").toString(), "root.b", missing.toString()));
        InMemoryArchive archive = new InMemoryArchive("files");
        String message = "Module 'files': cannot read root 'b' ('" + missing + "'): No such file or directory";

        assertThatThrownBy(() -> module.estimate(context(List.of()))).isInstanceOf(IOException.class)
                .hasMessage(message);
        assertThatThrownBy(() -> module.backup(context(List.of()), archive)).isInstanceOf(IOException.class)
                .hasMessage(message);

        assertThat(archive.size()).as("entries written").isZero();
        assertThat(missing).doesNotExist();
    }

    @Test
    void rootBelowAFileFailsWithTheOsReason() throws Exception {
        Files.writeString(tmp.resolve("file"), "x");
        Path root = tmp.resolve("file/root");
        FilesModule module = module(Map.of("root.r", root.toString(), "root.r.optional", "true"));

        assertThatThrownBy(() -> module.backup(context(List.of()), new InMemoryArchive("files")))
                .isInstanceOf(IOException.class)
                .hasMessage("Module 'files': cannot read root 'r' ('" + root + "'): Not a directory");
    }

    @Test
    void unreadableRootFailsWithPermissionDenied() throws Exception {
        assumeThat(System.getProperty("user.name")).as("root reads any directory").isNotEqualTo("root");
        Path root = tmp.resolve("locked");
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("---------"));
        try {
            FilesModule module = module(Map.of("root.l", root.toString()));

            assertThatThrownBy(() -> module.estimate(context(List.of()))).isInstanceOf(IOException.class)
                    .hasMessage("Module 'files': cannot read root 'l' ('" + root + "'): Permission denied");
        } finally {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void missingOptionalRootIsBackedUpAsEmptyWithAWarning() throws Exception {
        write(tmp.resolve("a/x.txt"), "x", "rw-r--r--");
        Path spool = tmp.resolve("spool");
        FilesModule module = module(Map.of("root.a", tmp.resolve("a").toString(), "root.spool", spool.toString(),
                "root.spool.optional", "true", "root.a.optional", "false"));
        InMemoryArchive archive = new InMemoryArchive("files");

        assertThat(module.estimate(context(List.of()))).isEqualTo(1);
        module.backup(context(List.of()), archive);

        assertThat(archive.names()).containsExactly("a", "a/x.txt", "spool");
        assertThat(archive.entries()).contains(Entry.directory("spool", CLOCK.instant(), 0755));
        assertThat(warnings).containsExactly("spool: optional root '" + spool + "' does not exist; backed up as empty");
    }

    @Test
    void rejectsAnOptionalThatIsNotTrueOrFalse() {
        assertThatThrownBy(() -> module(Map.of("root.a", "/srv/a", "root.a.optional", "yes")))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("Module 'files': configuration key 'root.a.optional' must be 'true' or 'false' (got 'yes')");
        assertThatThrownBy(() -> module(Map.of("root.a", "/srv/a", "root.b.optional", "true")))
                .hasMessage("Module 'files': configuration key 'root.b.optional' has no 'root.b' (value 'true')");
    }

    @Test
    void rejectsAnOnChangeOrOnUnreadableValueItDoesNotKnow() throws Exception {
        Files.createDirectories(tmp.resolve("a"));
        FilesModule module = module(Map.of("root.a", tmp.resolve("a").toString()));

        assertThatThrownBy(() -> module.backup(context(List.of(ModuleOption.of("on_change", "ignore"))),
                new InMemoryArchive("files")))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("Module 'files': option 'on_change' must be 'warn' or 'fail' (got 'ignore')");
        assertThatThrownBy(() -> module.estimate(context(List.of(ModuleOption.of("on_unreadable", "warn")))))
                .isInstanceOf(BackupException.class)
                .hasMessage("Module 'files': option 'on_unreadable' must be 'fail' or 'skip' (got 'warn')");
        assertThatThrownBy(() -> module.estimate(context(List.of(ModuleOption.of("on_change", "warn"),
                ModuleOption.of("on_change", "fail")))))
                .isInstanceOf(BackupException.class)
                .hasMessage("Module 'files': option 'on_change' is given 2 times (got 'warn', 'fail')");
    }

    @Test
    void declaresItsOptions() {
        assertThat(new FilesModule().info().supportedOptions())
                .containsExactly("include", "exclude", "on_change", "on_unreadable");
    }

    private BackupContext context(List<ModuleOption> options) {
        return new BackupContext(false, options, Cancellation.never(), CLOCK,
                (subject, reason) -> warnings.add(subject + ": " + reason));
    }

    private static FilesModule module(Map<String, String> config) {
        FilesModule module = new FilesModule();
        module.configure(new ModuleConfig("files", config));
        return module;
    }
}
