package io.backupkit.core;

import static io.backupkit.core.EngineFixture.localServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Status;
import io.backupkit.testkit.FakeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of corruption of a stored backup is refused before anything live changes: a byte flipped in
 * the compressed data, in an entry, in a tar header, in the padding, in either copy of the manifest;
 * bytes appended; a manifest that lists an entry the archive lacks, or lacks one it has; and a
 * self-consistent archive and record swapped in from another backup of the same device.
 */
final class CorruptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private FakeModule alpha;
    private Path filer;

    @BeforeEach
    void data() throws IOException {
        alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("config.ini", "mode=original");
        byte[] data = new byte[200_000];
        new Random(3).nextBytes(data);
        Files.write(alpha.live().resolve("data.bin"), data);
        filer = dir.resolve("filer");
    }

    private BackupEngine engine(String state, Compression compression) {
        return EngineFixture.engine(dir.resolve(state)).module(alpha).compression(compression).build();
    }

    /** A backup made by the engine of state {@code "writer"}; the live data is changed after it. */
    private CompletedBackup backup(Compression compression) throws IOException {
        try (BackupEngine engine = engine("writer", compression)) {
            long server = engine.createServer(localServer(filer)).id();
            CompletedBackup backup = engine.backup(server, "b", "", ContentInfo.everything());
            alpha.write("config.ini", "mode=changed");
            return backup;
        }
    }

    /** Restoring {@code backup} with the engine of {@code state} is refused as INTEGRITY and changes nothing. */
    private void assertRefused(String state, CompletedBackup backup, String message) throws IOException {
        TreeMap<String, String> before = alpha.snapshot();
        try (BackupEngine engine = engine(state, Compression.NONE)) {
            long server = engine.servers().items().isEmpty() ? engine.createServer(localServer(filer)).id()
                    : engine.servers().items().get(0).id();

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.restore(server, backup.id(), null));

            assertThat(e).as("refused").isNotNull();
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.INTEGRITY);
            assertThat(e.getMessage()).contains(message);
            if (engine.deviceStatus().latestRestore() != null) { // null: refused before the restore started
                assertThat(engine.deviceStatus().latestRestore().status()).isEqualTo(Status.FAILED);
            }
        }
        assertThat(alpha.snapshot()).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no stage left")
                    .noneMatch(name -> name.contains(".stage-") || name.contains(".previous-"));
        }
    }

    private Path archive(CompletedBackup backup, Compression compression) {
        return filer.resolve(backup.id() + compression.suffix());
    }

    private static void flip(Path file, int at) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[at] ^= 0x01;
        Files.write(file, bytes);
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + needle);
    }

    @Test
    void aByteFlippedInCompressedDataIsRefused() throws IOException {
        CompletedBackup backup = backup(Compression.ZSTD);
        Path archive = archive(backup, Compression.ZSTD);
        flip(archive, (int) (Files.size(archive) / 2));

        assertRefused("writer", backup, "The archive is damaged");
    }

    @Test
    void aByteFlippedInAnEntryIsRefused() throws IOException {
        CompletedBackup backup = backup(Compression.NONE);
        Path archive = archive(backup, Compression.NONE);
        flip(archive, indexOf(Files.readAllBytes(archive), "mode=original") + 5);

        assertRefused("writer", backup, "Entry 'config.ini' of module 'alpha' does not match its SHA-256");
    }

    @Test
    void aByteFlippedInATarHeaderIsRefused() throws IOException {
        CompletedBackup backup = backup(Compression.NONE);
        Path archive = archive(backup, Compression.NONE);
        flip(archive, indexOf(Files.readAllBytes(archive), "modules/alpha/data.bin") + 3);

        assertRefused("writer", backup, "has a bad header checksum");
    }

    @Test
    void aByteFlippedInThePaddingIsRefused() throws IOException {
        CompletedBackup backup = backup(Compression.NONE);
        Path archive = archive(backup, Compression.NONE);
        // config.ini's 13 bytes are followed by zeros up to the next 512-byte block
        flip(archive, indexOf(Files.readAllBytes(archive), "mode=original") + 100);

        assertRefused("writer", backup, "The archive has data in the padding of an entry");
    }

    @Test
    void aByteFlippedInEitherCopyOfTheManifestIsRefused() throws IOException {
        CompletedBackup backup = backup(Compression.NONE);
        Path copy = filer.resolve(backup.id() + ".manifest.json");
        byte[] original = Files.readAllBytes(copy);
        flip(copy, indexOf(original, "config.ini"));

        assertRefused("writer", backup, "The manifest copy of backup '" + backup.id() + "' does not match its digest");

        Files.write(copy, original);
        Path archive = archive(backup, Compression.NONE);
        byte[] bytes = Files.readAllBytes(archive);
        flip(archive, indexOf(bytes, "\"format\":1,\"modules\"") + 2);
        assertRefused("writer", backup, "The archive's 'manifest.json' differs from the copy stored beside it");
    }

    @Test
    void aDamagedArchiveNeverDownloadsWholeAndAnIntactOneDownloadsAsStored() throws IOException {
        CompletedBackup backup = backup(Compression.NONE);
        Path archive = archive(backup, Compression.NONE);
        byte[] stored = Files.readAllBytes(archive);
        try (BackupEngine engine = engine("writer", Compression.NONE)) {
            long server = engine.servers().items().get(0).id();
            try (ArchiveDownload download = engine.openArchive(server, backup.id())) {
                assertThat(download.content().readAllBytes()).isEqualTo(stored);
            }

            flip(archive, indexOf(stored, "mode=original") + 5);
            try (ArchiveDownload download = engine.openArchive(server, backup.id())) {
                assertThatThrownBy(() -> download.content().readAllBytes()).isInstanceOf(IOException.class)
                        .hasMessage("The archive failed its check: Entry 'config.ini' of module 'alpha' does not"
                                + " match its SHA-256");
            }
        }
    }

    @Test
    void bytesAppendedToTheArchiveAreRefused() throws IOException {
        CompletedBackup backup = backup(Compression.GZIP);
        Path archive = archive(backup, Compression.GZIP);
        Files.write(archive, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        assertRefused("writer", backup, "bytes, its record says");
    }

    @Test
    void aManifestThatListsAnEntryTheArchiveLacksOrLacksOneItHasIsRefused() throws IOException {
        CompletedBackup backup = backup(Compression.NONE);
        // consistent on the filer (copy, digest, size), so only the manifest itself can tell; read by an
        // engine that has no record of this backup's digest
        rewriteManifest(backup, entries -> entries.remove(0));
        assertRefused("reader", backup, "Entry 'config.ini' of module 'alpha' is not in the manifest");

        CompletedBackup second = backup(Compression.NONE);
        rewriteManifest(second, entries -> ((ObjectNode) entries.addObject()).put("name", "zzz").put("mode", 0644)
                .put("mtime", "2023-11-14T22:13:20Z").put("size", 1).put("sha256", "0".repeat(64)));
        assertRefused("reader", second, "Entry 'zzz' of module 'alpha' is in the manifest but missing from the archive");
    }

    @Test
    void aSelfConsistentArchiveSwappedInFromAnotherBackupOfThisDeviceIsRefused() throws IOException {
        CompletedBackup first = backup(Compression.NONE);
        alpha.write("config.ini", "mode=second");
        CompletedBackup second;
        try (BackupEngine engine = engine("writer", Compression.NONE)) {
            second = engine.backup(engine.servers().items().get(0).id(), "b2", "", ContentInfo.everything());
        }
        // the filer makes the second backup pass for the first: archive, manifest copy and record, with ids fixed
        Files.copy(archive(second, Compression.NONE), archive(first, Compression.NONE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(filer.resolve(second.id() + ".manifest.json"), filer.resolve(first.id() + ".manifest.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ObjectNode record = (ObjectNode) JSON.readTree(filer.resolve(second.id() + ".json").toFile());
        String digest = record.path("digest").asText();
        ObjectNode firstRecord = (ObjectNode) JSON.readTree(filer.resolve(first.id() + ".json").toFile());
        firstRecord.put("digest", digest);
        firstRecord.set("manifest", record.get("manifest").deepCopy());
        ((ObjectNode) firstRecord.get("manifest")).put("object", first.id() + ".manifest.json");
        Files.writeString(filer.resolve(first.id() + ".json"), firstRecord.toString());

        assertRefused("writer", first, "The filer's copy of backup '" + first.id() + "' differs from what this device"
                + " wrote");
    }

    private interface EntriesEdit {
        void apply(ArrayNode entries);
    }

    /** Edits a backup's manifest copy and fixes its digest and size in the record. */
    private void rewriteManifest(CompletedBackup backup, EntriesEdit edit) throws IOException {
        Path copy = filer.resolve(backup.id() + ".manifest.json");
        ObjectNode manifest = (ObjectNode) JSON.readTree(copy.toFile());
        edit.apply((ArrayNode) manifest.path("modules").path("alpha").path("entries"));
        byte[] bytes = JSON.writeValueAsBytes(manifest);
        Files.write(copy, bytes);
        Path recordFile = filer.resolve(backup.id() + ".json");
        ObjectNode record = (ObjectNode) JSON.readTree(recordFile.toFile());
        record.put("digest", sha256(bytes));
        ((ObjectNode) record.get("manifest")).put("size", bytes.length);
        Files.writeString(recordFile, record.toString());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
