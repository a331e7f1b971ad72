package io.backupkit.core.internal.archive;

import static io.backupkit.core.internal.archive.CraftedArchive.fixChecksum;
import static io.backupkit.core.internal.archive.CraftedArchive.headerOffset;
import static io.backupkit.core.internal.archive.CraftedArchive.octal;
import static io.backupkit.core.internal.archive.CraftedArchive.onlyOccurrence;
import static io.backupkit.core.internal.archive.CraftedArchive.regular;
import static io.backupkit.core.internal.archive.CraftedArchive.special;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.core.Compression;
import io.backupkit.core.internal.archive.ArchiveReader.Limits;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ArchiveReader} reads back what {@link ArchiveWriter} writes, and refuses archives crafted to
 * be unsafe or damaged with an {@link ErrorCode#INTEGRITY} error naming the entry and the reason.
 */
final class ArchiveReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG_NAME = "a/b/c/" + "long-".repeat(24) + "name.txt";
    private static final String UNICODE_NAME = "données/日本語 ✓ ß.txt";

    private record Read(String module, Entry entry, byte[] content) {
    }

    private record ReadArchive(List<Read> entries, String sha256) {
    }

    private record Written(byte[] bytes, String sha256, List<Read> entries) {
    }

    @FunctionalInterface
    private interface Modules {
        void write(ArchiveWriter writer, List<Read> written) throws IOException;
    }

    // --- round trips ---

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripsEntriesSizesTimesAndModes(Compression compression) throws IOException {
        Written written = write(compression, List.of("m", "n"), (writer, out) -> {
            ArchiveWriter.ModuleSink m = writer.module("m");
            directory(m, out, "m", Entry.directory("a", Instant.ofEpochMilli(1_600_000_000_001L), 0755));
            directory(m, out, "m", Entry.directory("a/b", Instant.ofEpochMilli(1_600_000_000_002L), 02775));
            directory(m, out, "m", Entry.directory("a/b/c", Instant.ofEpochMilli(1_600_000_000_003L), 0700));
            file(m, out, "m", LONG_NAME, random(5_000, 1), Instant.ofEpochMilli(1_700_000_000_123L), 0644);
            directory(m, out, "m", Entry.directory("données", Instant.ofEpochMilli(1_600_000_000_004L), 0755));
            file(m, out, "m", UNICODE_NAME, "unicode".getBytes(UTF_8), Instant.ofEpochMilli(1_700_000_000_999L), 0600);
            file(m, out, "m", "a/empty", new byte[0], Instant.ofEpochMilli(1_700_000_001_000L), 0640);
            file(m, out, "m", "a/b/data.bin", random(40_000, 2), Instant.ofEpochMilli(1_700_000_002_345L), 04777);
            ArchiveWriter.ModuleSink n = writer.module("n");
            file(n, out, "n", "settings.conf", "x=1\n".getBytes(UTF_8), Instant.ofEpochMilli(1_500_000_000_500L), 0666);
        });
        assertThat(LONG_NAME.length()).isGreaterThan(100);

        ReadArchive read = read(written.bytes());

        assertThat(read.sha256()).isEqualTo(written.sha256());
        assertThat(read.entries()).hasSameSizeAs(written.entries());
        for (int i = 0; i < read.entries().size(); i++) {
            Read actual = read.entries().get(i);
            Read expected = written.entries().get(i);
            Entry e = expected.entry();
            assertThat(actual.module()).isEqualTo(expected.module());
            assertThat(actual.entry()).isEqualTo(new Entry(e.name(), e.directory(), e.size(), e.modified(),
                    e.mode() & 0775));
            assertThat(actual.content()).isEqualTo(expected.content());
        }
        assertThat(read.entries()).extracting(r -> r.entry().mode())
                .containsExactly(0755, 0775, 0700, 0644, 0755, 0600, 0640, 0775, 0664);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void detectsTheCompressionFromTheMagicBytes(Compression compression) throws IOException {
        Written written = write(compression, List.of("m"), (writer, out) ->
                file(writer.module("m"), out, "m", "f", random(3_000, 3), Instant.EPOCH, 0644));
        byte[] head = java.util.Arrays.copyOf(written.bytes(), 4);
        switch (compression) {
            case NONE -> assertThat(new String(written.bytes(), 257, 5, US_ASCII)).isEqualTo("ustar");
            case GZIP -> assertThat(head[0] & 0xff).isEqualTo(0x1f);
            case ZSTD -> assertThat(head[0] & 0xff).isEqualTo(0x28);
        }
        assertThat(read(written.bytes()).sha256()).isEqualTo(written.sha256());
    }

    @Test
    void readsAModuleThatWroteNoEntries() throws IOException {
        Written written = write(Compression.NONE, List.of("m", "e"), (writer, out) -> {
            file(writer.module("m"), out, "m", "f", "x".getBytes(UTF_8), Instant.EPOCH, 0644);
            writer.module("e");
        });

        ReadArchive read = read(written.bytes());

        assertThat(read.sha256()).isEqualTo(written.sha256());
        assertThat(read.entries()).extracting(r -> r.entry().name()).containsExactly("f");
    }

    @Test
    void aSpoolThatCannotBeWrittenFailsAsTheEnginesOwnErrorNamingTheDirectory(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path temp) throws IOException {
        Written written = write(Compression.NONE, List.of("m"), (writer, out) ->
                file(writer.module("m"), out, "m", "f", random(3_000, 3), Instant.EPOCH, 0644));
        java.nio.file.Path missing = temp.resolve("no-such-spool");

        assertThatThrownBy(() -> {
            try (ArchiveReader reader = new ArchiveReader(new ByteArrayInputStream(written.bytes()), Limits.DEFAULT,
                    Cancellation.never(), missing, n -> { })) {
                reader.header();
                while (reader.nextModule() != null) {
                    EntrySource source = reader.entries();
                    while (source.next() != null) {
                        // read through
                    }
                }
                reader.finish();
            }
        }).isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("spool directory '" + missing + "'");
    }

    @Test
    void manifestCountsAModuleThatWroteNoEntries() throws IOException {
        Written written = write(Compression.NONE, List.of("e"), (writer, out) -> writer.module("e"));

        JsonNode manifest = manifestOf(written.bytes());

        assertThat(manifest.path("modules").path("e").path("count").isInt()).isTrue();
        assertThat(manifest.path("modules").path("e").path("count").asInt()).isZero();
        assertThat(manifest.path("modules").path("e").path("bytes").asLong(-1)).isZero();
        assertThat(manifest.path("modules").path("e").path("entries")).isEmpty();
    }

    @Test
    void readsThroughEntriesThatAModuleLeftUnreadOrHalfRead() throws IOException {
        Written written = write(Compression.GZIP, List.of("m", "n"), (writer, out) -> {
            ArchiveWriter.ModuleSink m = writer.module("m");
            file(m, out, "m", "first", random(10_000, 4), Instant.EPOCH, 0644);
            file(m, out, "m", "second", random(10_000, 5), Instant.EPOCH, 0644);
            file(m, out, "m", "third", random(10_000, 6), Instant.EPOCH, 0644);
            file(writer.module("n"), out, "n", "other", random(10_000, 7), Instant.EPOCH, 0644);
        });

        try (ArchiveReader reader = reader(written.bytes(), Limits.DEFAULT, Cancellation.never())) {
            reader.header();
            assertThat(reader.nextModule()).isEqualTo("m");
            EntrySource m = reader.entries();
            assertThat(m.next().name()).isEqualTo("first");
            assertThat(m.content().readNBytes(100)).hasSize(100); // the module stops half-way through
            assertThat(reader.nextModule()).isEqualTo("n"); // and never reads 'n'
            assertThat(reader.finish()).isEqualTo(written.sha256());
        }
    }

    @Test
    void readsACraftedArchiveThatFollowsTheLayout() throws IOException {
        CraftedArchive crafted = new CraftedArchive().header("m", "n")
                .directory("modules/m/d/")
                .file("modules/m/d/f", "hello")
                .file("modules/n/g", "");
        byte[] manifest = crafted.manifestBytes();
        byte[] archive = crafted.manifest().toBytes();

        ReadArchive read = read(archive);

        assertThat(read.entries()).extracting(r -> r.module() + ":" + r.entry().name())
                .containsExactly("m:d", "m:d/f", "n:g");
        assertThat(read.sha256()).as("the digest: the SHA-256 of the manifest").isEqualTo(CraftedArchive.sha256(manifest));
    }

    // --- names ---

    @Test
    void refusesAnAbsoluteName() {
        assertIntegrity(crafted(c -> c.file("modules/m//etc/passwd", "x")),
                "Entry 'modules/m//etc/passwd' is an absolute name");
    }

    @Test
    void refusesADotDotSegment() {
        assertIntegrity(crafted(c -> c.file("modules/m/../../etc/passwd", "x")),
                "Entry 'modules/m/../../etc/passwd' has a '..' segment");
    }

    @Test
    void refusesADotDotSegmentInADirectoryName() {
        assertIntegrity(crafted(c -> c.directory("modules/m/a/../../")),
                "Entry 'modules/m/a/../../' has a '..' segment");
    }

    @Test
    void refusesABackslash() {
        assertIntegrity(crafted(c -> c.file("modules/m/..\\..\\etc", "x")),
                "Entry 'modules/m/..\\..\\etc' contains a backslash");
    }

    @Test
    void refusesNulInAName() {
        String name = "modules/m/" + "n".repeat(100) + "/a~b"; // long: the name travels in a PAX record
        byte[] archive = crafted(c -> c.raw(regular(name, 1), "x".getBytes(UTF_8)));
        archive[onlyOccurrence(archive, "a~b") + 1] = 0;

        assertIntegrity(archive, "Entry '" + name.replace('~', '\0') + "' contains NUL");
    }

    @Test
    void refusesAControlCharacterInAName() {
        assertIntegrity(crafted(c -> c.file("modules/m/a\nb", "x")), "Entry 'modules/m/a\nb' contains a control character");
    }

    @Test
    void refusesAnEmptyName() {
        assertIntegrity(crafted(c -> c.file("modules/m/", "")), "Entry 'modules/m/' has an empty name");
    }

    @Test
    void refusesAnEmptySegment() {
        assertIntegrity(crafted(c -> c.file("modules/m/a//b", "x")), "Entry 'modules/m/a//b' has an empty path segment");
    }

    @Test
    void refusesADotSegment() {
        assertIntegrity(crafted(c -> c.file("modules/m/./a", "x")), "Entry 'modules/m/./a' has a '.' segment");
    }

    @Test
    void refusesDuplicateNames() {
        assertIntegrity(crafted(c -> c.file("modules/m/a", "x").file("modules/m/a", "y")),
                "Entry 'modules/m/a' appears twice");
    }

    @Test
    void refusesAFileAndADirectoryOfOneName() {
        assertIntegrity(crafted(c -> c.file("modules/m/a", "x").directory("modules/m/a/")),
                "Entry 'modules/m/a/' appears twice");
    }

    // --- types ---

    @Test
    void refusesASymbolicLink() {
        TarArchiveEntry link = special("modules/m/link", TarConstants.LF_SYMLINK);
        link.setLinkName("/etc/passwd");
        assertIntegrity(crafted(c -> c.raw(link, new byte[0])), "Entry 'modules/m/link' is a symbolic link");
    }

    @Test
    void refusesAHardLink() {
        TarArchiveEntry link = special("modules/m/link", TarConstants.LF_LINK);
        link.setLinkName("modules/m/a");
        assertIntegrity(crafted(c -> c.file("modules/m/a", "x").raw(link, new byte[0])),
                "Entry 'modules/m/link' is a hard link");
    }

    @Test
    void refusesACharacterDevice() {
        TarArchiveEntry device = special("modules/m/null", TarConstants.LF_CHR);
        device.setDevMajor(1);
        device.setDevMinor(3);
        assertIntegrity(crafted(c -> c.raw(device, new byte[0])), "Entry 'modules/m/null' is a device node");
    }

    @Test
    void refusesABlockDevice() {
        TarArchiveEntry device = special("modules/m/sda", TarConstants.LF_BLK);
        device.setDevMajor(8);
        device.setDevMinor(0);
        assertIntegrity(crafted(c -> c.raw(device, new byte[0])), "Entry 'modules/m/sda' is a device node");
    }

    @Test
    void refusesAFifo() {
        assertIntegrity(crafted(c -> c.raw(special("modules/m/pipe", TarConstants.LF_FIFO), new byte[0])),
                "Entry 'modules/m/pipe' is a FIFO");
    }

    @Test
    void refusesAGnuSparseEntry() {
        byte[] archive = crafted(c -> c.file("modules/m/sparse", "0123456789"));
        int at = headerOffset(archive, "modules/m/sparse");
        archive[at + 156] = TarConstants.LF_GNUTYPE_SPARSE;
        System.arraycopy("ustar  \0".getBytes(US_ASCII), 0, archive, at + 257, 8); // old GNU magic
        octal(archive, at + 386, 12, 0); // one sparse region: offset 0
        octal(archive, at + 398, 12, 10); // of 10 bytes
        archive[at + 482] = 0; // no extension headers
        octal(archive, at + 483, 12, 10); // real size
        fixChecksum(archive, at);

        assertIntegrity(archive, "Entry 'modules/m/sparse' is a sparse entry");
    }

    @Test
    void refusesAnEntryOfAnUnknownType() {
        byte[] archive = crafted(c -> c.file("modules/m/q", "0123456789"));
        int at = headerOffset(archive, "modules/m/q");
        archive[at + 156] = 'Q';
        fixChecksum(archive, at);

        assertIntegrity(archive, "Entry 'modules/m/q' has an unsupported type 'Q'");
    }

    @Test
    void refusesADirectoryWithContent() {
        byte[] archive = crafted(c -> c.file("modules/m/d", "12345"));
        int at = headerOffset(archive, "modules/m/d");
        archive[at + 156] = TarConstants.LF_DIR;
        fixChecksum(archive, at);

        assertIntegrity(archive, "Entry 'modules/m/d/' is a directory with size 5");
    }

    @Test
    void refusesAHeaderWithABadChecksum() {
        byte[] archive = crafted(c -> c.file("modules/m/a", "x"));
        archive[headerOffset(archive, "modules/m/a") + "modules/m/".length()] = 'b';

        assertIntegrity(archive, "Entry 'modules/m/b' has a bad header checksum");
    }

    // --- the manifest ---

    @Test
    void refusesAnEntryLargerThanTheManifestSays() {
        assertIntegrity(craftedWithManifest(c -> c.manifestEntry("m", "a").put("size", 4), "12345"),
                "Entry 'a' of module 'm' is larger than the manifest says (5 > 4)");
    }

    @Test
    void refusesAnEntrySmallerThanTheManifestSays() {
        assertIntegrity(craftedWithManifest(c -> c.manifestEntry("m", "a").put("size", 6), "12345"),
                "Entry 'a' of module 'm' is smaller than the manifest says (5 < 6)");
    }

    @Test
    void refusesAnEntryWhoseContentDoesNotMatchItsSha256() {
        assertIntegrity(craftedWithManifest(c -> c.manifestEntry("m", "a").put("sha256", CraftedArchive.sha256(
                "12346".getBytes(UTF_8))), "12345"), "Entry 'a' of module 'm' does not match its SHA-256");
    }

    @Test
    void refusesAnEntryThatIsNotInTheManifest() {
        byte[] archive = new CraftedArchive().header("m")
                .file("modules/m/a", "1")
                .raw(regular("modules/m/unlisted", 1), "2".getBytes(UTF_8))
                .manifest().toBytes();

        assertIntegrity(archive, "Entry 'unlisted' of module 'm' is not in the manifest");
    }

    @Test
    void refusesAManifestEntryMissingFromTheArchive() {
        CraftedArchive c = new CraftedArchive().header("m").file("modules/m/a", "1");
        c.manifestModule("m").withArray("entries").addObject().put("name", "gone").put("size", 1)
                .put("sha256", CraftedArchive.sha256("2".getBytes(UTF_8)));

        assertIntegrity(c.manifest().toBytes(), "Entry 'gone' of module 'm' is in the manifest but missing from the archive");
    }

    @Test
    void refusesAManifestModuleWithEntriesMissingFromTheArchive() {
        CraftedArchive c = new CraftedArchive().header("m", "x").file("modules/m/a", "1");
        c.manifestModule("x").withArray("entries").addObject().put("name", "gone").put("directory", true);

        assertIntegrity(c.manifest().toBytes(), "Module 'x' is in the manifest but not in the archive");
    }

    @Test
    void refusesAModuleMissingFromTheManifest() {
        CraftedArchive c = new CraftedArchive().header("m", "n").file("modules/m/a", "1")
                .raw(regular("modules/n/b", 1), "2".getBytes(UTF_8));

        assertIntegrity(c.manifest().toBytes(), "Module 'n' is in the archive but not in the manifest");
    }

    @Test
    void refusesAnEntryOfAnotherTypeThanTheManifestSays() {
        CraftedArchive c = new CraftedArchive().header("m").file("modules/m/a", "1");
        ObjectNode entry = c.manifestEntry("m", "a");
        entry.removeAll();
        entry.put("name", "a").put("directory", true);

        assertIntegrity(c.manifest().toBytes(), "Entry 'a' of module 'm' has another type than the manifest says");
    }

    // --- the layout ---

    @Test
    void refusesAModuleWhoseSectionAppearsTwice() {
        assertIntegrity(new CraftedArchive().header("a", "b")
                        .file("modules/a/x", "1").file("modules/b/y", "2").file("modules/a/z", "3")
                        .manifest().toBytes(),
                "Module 'a' appears in more than one part of the archive");
    }

    @Test
    void refusesAnEntryOfAModuleTheHeaderDoesNotList() {
        assertIntegrity(crafted(c -> c.file("modules/z/a", "1")),
                "Entry 'modules/z/a' belongs to no module of the archive's header");
    }

    @Test
    void refusesAnEntryOutsideModules() {
        assertIntegrity(crafted(c -> c.file("modules/m/a", "1").file("etc/passwd", "root")),
                "Entry 'etc/passwd' is outside 'modules/'");
    }

    @Test
    void refusesAnArchiveWithoutHeader() {
        assertIntegrity(new CraftedArchive().file("modules/m/a", "1").manifest().toBytes(),
                "The archive does not start with 'backup.json'");
    }

    @Test
    void refusesAnArchiveWithoutManifest() {
        assertIntegrity(new CraftedArchive().header("m").file("modules/m/a", "1").toBytes(),
                "The archive ends without its 'manifest.json'");
    }

    @Test
    void refusesEntriesAfterTheManifest() {
        CraftedArchive c = new CraftedArchive().header("m").file("modules/m/a", "1").manifest();
        c.raw(regular("modules/m/late", 1), "2".getBytes(UTF_8));

        assertIntegrity(c.toBytes(), "The archive has entries after its 'manifest.json'");
    }

    @Test
    void refusesAHeaderOfAnotherFormat() {
        ObjectNode header = JSON.createObjectNode().put("format", 2);
        header.putArray("modules");
        assertIntegrity(new CraftedArchive().json("backup.json", header).manifest().toBytes(),
                "The archive has format 2; this engine reads format 1");
    }

    @Test
    void refusesMoreEntriesThanTheLimit() {
        byte[] archive = crafted(c -> c.file("modules/m/a", "1").file("modules/m/b", "2").file("modules/m/c", "3"));

        assertIntegrity(archive, new Limits(2, Long.MAX_VALUE), "The archive has more than 2 entries");
        assertThat(catchThrowable(() -> read(archive, new Limits(3, Long.MAX_VALUE), Cancellation.never()))).isNull();
    }

    @Test
    void refusesMoreBytesThanTheLimit() {
        byte[] archive = crafted(c -> c.file("modules/m/a", "123456").file("modules/m/b", "123456"));

        assertIntegrity(archive, new Limits(100, 10), "The archive holds more than 10 bytes");
        assertThat(catchThrowable(() -> read(archive, new Limits(100, 12), Cancellation.never()))).isNull();
    }

    @Test
    void refusesAStreamThatIsNeitherTarNorGzipNorZstd() {
        for (byte[] garbage : List.of(random(4_096, 8), new byte[0], "PK\3\4 a zip".getBytes(US_ASCII))) {
            assertIntegrity(garbage, "The archive is neither a tar nor gzip- or zstd-compressed");
        }
    }

    // --- damage ---

    @ParameterizedTest
    @EnumSource(Compression.class)
    void noticesOneFlippedByteInTheMiddleOfTheArchive(Compression compression) throws IOException {
        Written written = write(compression, List.of("m"), (writer, out) ->
                file(writer.module("m"), out, "m", "data", random(64 * 1024, 9), Instant.EPOCH, 0644));
        byte[] damaged = written.bytes().clone();
        damaged[damaged.length / 2] ^= 0x10;

        Throwable thrown = catchThrowable(() -> read(damaged));

        assertThat(thrown).as("a damaged %s archive", compression).isNotNull();
        if (thrown instanceof BackupException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY);
        } else {
            assertThat(thrown).isInstanceOf(IOException.class);
        }
        if (compression == Compression.NONE) {
            assertThat(thrown).hasMessage("Entry 'data' of module 'm' does not match its SHA-256");
        }
    }

    // --- cancellation ---

    @Test
    void stopsWhenCancelled() throws IOException {
        Written written = write(Compression.ZSTD, List.of("m"), (writer, out) -> {
            ArchiveWriter.ModuleSink m = writer.module("m");
            file(m, out, "m", "a", random(1_000, 10), Instant.EPOCH, 0644);
            file(m, out, "m", "b", random(1_000, 11), Instant.EPOCH, 0644);
        });
        AtomicBoolean cancelled = new AtomicBoolean();

        try (ArchiveReader reader = reader(written.bytes(), Limits.DEFAULT, cancelled::get)) {
            reader.header();
            reader.nextModule();
            EntrySource entries = reader.entries();
            assertThat(entries.next().name()).isEqualTo("a");
            cancelled.set(true);
            assertThatThrownBy(entries::next).isInstanceOfSatisfying(BackupException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.ABORTED)).hasMessage("Operation aborted");
        }
    }

    @Test
    void readsNothingWhenCancelledFromTheStart() throws IOException {
        Written written = write(Compression.NONE, List.of("m"), (writer, out) ->
                file(writer.module("m"), out, "m", "a", random(1_000, 12), Instant.EPOCH, 0644));

        assertThatThrownBy(() -> read(written.bytes(), Limits.DEFAULT, () -> true))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ABORTED));
    }

    // --- helpers ---

    private static void assertIntegrity(byte[] archive, String message) {
        assertIntegrity(archive, Limits.DEFAULT, message);
    }

    private static void assertIntegrity(byte[] archive, Limits limits, String message) {
        assertThatThrownBy(() -> read(archive, limits, Cancellation.never()))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY))
                .hasMessage(message);
    }

    /** A header listing {@code m}, what {@code body} adds, and the manifest. */
    private static byte[] crafted(java.util.function.Consumer<CraftedArchive> body) {
        CraftedArchive c = new CraftedArchive().header("m");
        body.accept(c);
        return c.manifest().toBytes();
    }

    /** One file {@code modules/m/a} whose manifest entry {@code edit} changes. */
    private static byte[] craftedWithManifest(java.util.function.Consumer<CraftedArchive> edit, String content) {
        CraftedArchive c = new CraftedArchive().header("m").file("modules/m/a", content);
        edit.accept(c);
        return c.manifest().toBytes();
    }

    private static ReadArchive read(byte[] archive) throws IOException {
        return read(archive, Limits.DEFAULT, Cancellation.never());
    }

    private static ReadArchive read(byte[] archive, Limits limits, Cancellation cancellation) throws IOException {
        List<Read> entries = new ArrayList<>();
        try (ArchiveReader reader = reader(archive, limits, cancellation)) {
            reader.header();
            String module;
            while ((module = reader.nextModule()) != null) {
                EntrySource source = reader.entries();
                Entry entry;
                while ((entry = source.next()) != null) {
                    byte[] content = null;
                    if (!entry.directory()) {
                        try (InputStream in = source.content()) {
                            content = in.readAllBytes();
                        }
                    }
                    entries.add(new Read(module, entry, content));
                }
            }
            return new ReadArchive(entries, reader.finish());
        }
    }

    private static ArchiveReader reader(byte[] archive, Limits limits, Cancellation cancellation) throws IOException {
        return new ArchiveReader(new ByteArrayInputStream(archive), limits, cancellation);
    }

    private static Written write(Compression compression, List<String> modules, Modules body) throws IOException {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        List<Read> entries = new ArrayList<>();
        ArchiveWriter writer = new ArchiveWriter(target, compression, Cancellation.never(), (m, e, n) -> { });
        try (writer) {
            writer.header(ArchiveHeaders.of(compression, modules));
            body.write(writer, entries);
            writer.finish();
        }
        return new Written(target.toByteArray(), writer.digest(), entries);
    }

    private static void directory(ArchiveWriter.ModuleSink sink, List<Read> out, String module, Entry entry)
            throws IOException {
        sink.directory(entry);
        out.add(new Read(module, entry, null));
    }

    private static void file(ArchiveWriter.ModuleSink sink, List<Read> out, String module, String name, byte[] content,
            Instant modified, int mode) throws IOException {
        Entry entry = Entry.file(name, content.length, modified, mode);
        sink.file(entry, new ByteArrayInputStream(content));
        out.add(new Read(module, entry, content));
    }

    private static JsonNode manifestOf(byte[] archive) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().equals(ArchiveWriter.MANIFEST)) {
                    return JSON.readTree(tar.readAllBytes());
                }
            }
        }
        throw new AssertionError("no manifest");
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
