package io.backupkit.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore knows every entry before the entries stream, from the manifest copy stored beside the
 * archive: what it does not list, or lists smaller, is refused before a module sees its first byte, so a
 * hostile archive cannot make a restore write more than the backup declares.
 */
final class ManifestCopyTest {
    @TempDir
    Path dir;

    private ManifestCopy copyOf(CraftedArchive expected) throws IOException {
        byte[] bytes = expected.manifestBytes();
        Path file = Files.write(Files.createTempFile(dir, "manifest-", ".json"), bytes);
        return new ManifestCopy(file, bytes.length, CraftedArchive.sha256(bytes));
    }

    /** The names of the entries the module got before the read failed, and the failure. */
    private record Outcome(List<String> entries, Throwable failure) {
    }

    private Outcome read(byte[] archive, ManifestCopy copy) {
        List<String> entries = new ArrayList<>();
        try (ArchiveReader reader = new ArchiveReader(new ByteArrayInputStream(archive), ArchiveReader.Limits.DEFAULT,
                Cancellation.never(), dir, n -> { })) {
            if (copy != null) {
                reader.expect(copy);
            }
            reader.header();
            while (reader.nextModule() != null) {
                EntrySource source = reader.entries();
                for (Entry entry = source.next(); entry != null; entry = source.next()) {
                    entries.add(entry.name());
                    if (!entry.directory()) {
                        source.content().readAllBytes();
                    }
                }
            }
            reader.finish();
            return new Outcome(entries, null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(entries, e);
        }
    }

    private static void assertIntegrity(Throwable failure, String message) {
        assertThat(failure).isInstanceOfSatisfying(BackupException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY)).hasMessage(message);
    }

    @Test
    void readsAnArchiveThatMatchesItsCopy() throws IOException {
        CraftedArchive archive = new CraftedArchive().header("m").file("modules/m/a", "1").file("modules/m/b", "22");

        Outcome outcome = read(archive.manifest().toBytes(), copyOf(archive));

        assertThat(outcome.failure()).isNull();
        assertThat(outcome.entries()).containsExactly("a", "b");
    }

    @Test
    void refusesAnEntryTheCopyDoesNotListBeforeTheModuleGetsIt() throws IOException {
        CraftedArchive expected = new CraftedArchive().header("m").file("modules/m/a", "1");
        byte[] actual = new CraftedArchive().header("m").file("modules/m/a", "1")
                .file("modules/m/b", random(1 << 20)).manifest().toBytes();

        Outcome outcome = read(actual, copyOf(expected));

        assertThat(outcome.entries()).containsExactly("a");
        assertIntegrity(outcome.failure(), "Entry 'b' of module 'm' is not in the manifest");
    }

    @Test
    void refusesThousandsOfUnlistedEntriesAtTheFirst() throws IOException {
        CraftedArchive expected = new CraftedArchive().header("m");
        expected.manifestModule("m");
        CraftedArchive actual = new CraftedArchive().header("m");
        for (int i = 0; i < 2000; i++) {
            actual.file("modules/m/f" + i, "x");
        }

        Outcome outcome = read(actual.manifest().toBytes(), copyOf(expected));

        assertThat(outcome.entries()).isEmpty();
        assertIntegrity(outcome.failure(), "Entry 'f0' of module 'm' is not in the manifest");
    }

    @Test
    void refusesAnEntryLargerThanTheCopySaysBeforeItsFirstByte() throws IOException {
        CraftedArchive expected = new CraftedArchive().header("m").file("modules/m/a", "1");
        byte[] actual = new CraftedArchive().header("m").file("modules/m/a", random(4 << 20)).manifest().toBytes();

        Outcome outcome = read(actual, copyOf(expected));

        assertThat(outcome.entries()).isEmpty();
        assertIntegrity(outcome.failure(), "Entry 'a' of module 'm' is larger than the manifest says (4194304 > 1)");
    }

    @Test
    void refusesAnEntryTheCopyListsButTheArchiveLacks() throws IOException {
        CraftedArchive expected = new CraftedArchive().header("m").file("modules/m/a", "1").file("modules/m/b", "2");
        byte[] actual = new CraftedArchive().header("m").file("modules/m/a", "1").manifest().toBytes();

        Outcome outcome = read(actual, copyOf(expected));

        assertIntegrity(outcome.failure(), "Entry 'b' of module 'm' is in the manifest but missing from the archive");
    }

    @Test
    void refusesAnArchiveWhoseOwnManifestIsNotTheCopy() throws IOException {
        CraftedArchive archive = new CraftedArchive().header("m").file("modules/m/a", "1");
        ManifestCopy copy = copyOf(archive);
        archive.manifestModule("m").put("note", "the archive's manifest was edited");

        Outcome outcome = read(archive.manifest().toBytes(), copy);

        assertThat(outcome.entries()).containsExactly("a");
        assertIntegrity(outcome.failure(), "The archive's 'manifest.json' differs from the copy stored beside it");
    }

    @Test
    void refusesAHeaderThatDeclaresMoreThanAMebibyteWithoutReadingIt() {
        byte[] archive = new CraftedArchive().header("m").toBytes(); // 1.5 KB, then its header made to declare 60 MiB
        int at = CraftedArchive.headerOffset(archive, "backup.json");
        CraftedArchive.octal(archive, at + 124, 12, 60L << 20);
        CraftedArchive.fixChecksum(archive, at);

        Outcome outcome = read(archive, null);

        assertIntegrity(outcome.failure(), "'backup.json' is larger than 1048576 bytes");
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
