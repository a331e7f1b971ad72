package io.backupkit.core.internal.archive;

import static io.backupkit.core.internal.archive.CraftedArchive.fixChecksum;
import static io.backupkit.core.internal.archive.CraftedArchive.octal;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Tar} reads back every field it writes; GNU tar extracts what {@link Tar.Output} writes, and
 * {@link Tar.Input} reads what GNU tar writes in its posix, gnu and ustar formats; sizes beyond the octal
 * field travel in PAX (or base-256); and hostile input ends in a flag on the entry or an
 * {@link IOException}, never in a wrong entry.
 *
 * <p>The GNU tar tests skip when {@code /usr/bin/tar} is missing, except under {@code CI=true}, where CI
 * installs it and its absence fails them.
 */
final class TarTest {
    private static final int BLOCK = Tar.BLOCK;
    private static final Path GNU_TAR = Path.of("/usr/bin/tar");
    private static final Instant MTIME = Instant.ofEpochSecond(1_600_000_000);
    private static final Instant NANOS = Instant.ofEpochSecond(1_700_000_000, 123_456_789);
    private static final Instant MINUS_1_25 = Instant.ofEpochMilli(-1_250);
    private static final Instant MINUS_0_5 = Instant.ofEpochMilli(-500);
    private static final long MAX_OCTAL_11 = 077777777777L;
    private static final long TEN_GIB = 10L << 30;

    private static final String ROOT = "modules/";
    private static final String MODULE = "modules/m/";
    /** 100 bytes: fills the ustar name field, no NUL after it. */
    private static final String NAME_100 = MODULE + "x".repeat(90);
    private static final String NAME_101 = MODULE + "y".repeat(91);
    /** A directory whose name with its slash is 100 bytes. */
    private static final String DIR_100 = MODULE + "a".repeat(89) + "/";
    private static final String DIR_200 = DIR_100 + "b".repeat(99) + "/";
    private static final String NAME_300 = DIR_200 + "c".repeat(96) + ".txt";
    private static final String NON_ASCII_DIR = MODULE + "été/";
    private static final String NON_ASCII = NON_ASCII_DIR + "日本.txt";

    private record Item(String name, byte type, byte[] content, int mode, Instant modified) {
        boolean directory() {
            return type == Tar.DIRECTORY;
        }
    }

    private record Read(Tar.Header header, byte[] content) {
    }

    private record Run(int exitCode, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, UTF_8);
        }
    }

    // --- round trips through Output and Input ---

    @Test
    void roundTripsFilesAndDirectoriesWithLongAndNonAsciiNamesTimesModesAndSizes() throws IOException {
        assertThat(utf8Length(NAME_100)).isEqualTo(100);
        assertThat(utf8Length(NAME_101)).isEqualTo(101);
        assertThat(utf8Length(DIR_100)).isEqualTo(100);
        assertThat(utf8Length(NAME_300)).isEqualTo(300);
        List<Item> items = everyKind();

        byte[] archive = write(items);

        assertThat(archive.length % Tar.RECORD).isZero();
        assertReadsBack(archive, items);
    }

    static Stream<String> names() {
        return Stream.of("a", "n".repeat(99), NAME_100, NAME_101, "d/" + "e".repeat(253), NAME_300,
                "p/".repeat(2_000) + "q", NON_ASCII, "é".repeat(50), "a" + "é".repeat(50), "tab\there",
                "modules/m/données/日本語 ✓ ß.txt", "emoji/\uD83D\uDE00.bin");
    }

    @ParameterizedTest
    @MethodSource("names")
    void roundTripsANameAndUsesPaxOnlyWhenTheUstarFieldCannotHoldIt(String name) throws IOException {
        byte[] bytes = name.getBytes(UTF_8);
        boolean needsPax = bytes.length > 100 || !printableAscii(bytes);
        Item item = file(name, "content".getBytes(UTF_8), 0644, MTIME);

        byte[] archive = write(List.of(item));

        assertThat(archive[156]).as("type of the first header").isEqualTo(needsPax ? Tar.PAX : Tar.REGULAR);
        assertReadsBack(archive, List.of(item));
        if (!needsPax) {
            assertThat(archive.length).isEqualTo(Tar.RECORD);
            assertThat(Arrays.copyOf(archive, bytes.length)).isEqualTo(bytes);
        }
    }

    static Stream<Instant> times() {
        return Stream.of(Instant.EPOCH, MTIME, NANOS, Instant.ofEpochSecond(0, 1),
                Instant.ofEpochMilli(1_700_000_000_001L), Instant.ofEpochSecond(1_700_000_000, 100_000_000),
                MINUS_1_25, MINUS_0_5, Instant.ofEpochSecond(-1),
                Instant.ofEpochSecond(-1, 1), Instant.ofEpochSecond(-3_155_760_000L, 999_999_999),
                Instant.ofEpochSecond(MAX_OCTAL_11), Instant.ofEpochSecond(MAX_OCTAL_11 + 1),
                Instant.ofEpochSecond(MAX_OCTAL_11, 1), Instant.MAX, Instant.MIN, Instant.MIN.plusNanos(1));
    }

    @ParameterizedTest
    @MethodSource("times")
    void roundTripsAModificationTimeAndClampsTheUstarField(Instant modified) throws IOException {
        Item item = file("f", "x".getBytes(UTF_8), 0644, modified);
        boolean needsPax = modified.getNano() != 0 || modified.getEpochSecond() < 0
                || modified.getEpochSecond() > MAX_OCTAL_11;

        byte[] archive = write(List.of(item));

        assertReadsBack(archive, List.of(item));
        assertThat(archive[156]).as("type of the first header").isEqualTo(needsPax ? Tar.PAX : Tar.REGULAR);
        int header = needsPax ? 2 * BLOCK : 0;
        assertThat(archive[header + 156]).isEqualTo(Tar.REGULAR);
        long clamped = Math.max(0, Math.min(modified.getEpochSecond(), MAX_OCTAL_11));
        assertThat(octalField(archive, header + 136, 12)).as("the ustar mtime for readers without PAX")
                .isEqualTo(clamped);
    }

    @Test
    void writesNegativeTimesWithAFractionAsDecimalSecondsBeforeTheEpoch() throws IOException {
        assertThat(MINUS_1_25.getEpochSecond()).isEqualTo(-2);
        assertThat(paxRecords(write(List.of(file("f", new byte[0], 0644, MINUS_1_25)))))
                .isEqualTo("15 mtime=-1.25\n");
        assertThat(paxRecords(write(List.of(file("f", new byte[0], 0644, MINUS_0_5)))))
                .isEqualTo("14 mtime=-0.5\n");
        assertThat(paxRecords(write(List.of(file("f", new byte[0], 0644, NANOS)))))
                .isEqualTo("30 mtime=1700000000.123456789\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 511, 512, 513, 1_024, 8_704, 9_216, 100_000})
    void roundTripsContentOfAnySizeAndPadsTheArchiveToWholeRecords(int size) throws IOException {
        Item item = file("data.bin", random(size, size), 0644, MTIME);

        byte[] archive = write(List.of(item));

        long used = BLOCK + roundUp(size, BLOCK) + 2L * BLOCK;
        assertThat(archive.length).isEqualTo(roundUp(used, Tar.RECORD));
        assertThat(Arrays.copyOfRange(archive, archive.length - 2 * BLOCK, archive.length))
                .as("the end-of-archive blocks").isEqualTo(new byte[2 * BLOCK]);
        assertReadsBack(archive, List.of(item));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 0400, 0600, 0644, 0755, 0777, 01777, 02775, 04755, 07777})
    void roundTripsModeBits(int mode) throws IOException {
        Item item = file("f", new byte[0], mode, MTIME);

        assertReadsBack(write(List.of(item)), List.of(item));
    }

    @Test
    void keepsOnlyThePermissionBitsOfAMode() throws IOException {
        byte[] archive = write(List.of(file("f", new byte[0], 0100644, MTIME)));

        assertThat(read(archive).get(0).header().mode()).isEqualTo(0644);
        assertThat(new String(archive, 100, 8, US_ASCII)).isEqualTo("0000644\0");
    }

    @Test
    void writesUstarHeadersWithAValidChecksum() throws IOException {
        byte[] archive = write(List.of(file("f.txt", "hello".getBytes(UTF_8), 0644, MTIME)));

        assertThat(new String(archive, 257, 8, US_ASCII)).isEqualTo("ustar\0" + "00");
        assertThat(archive[154]).isEqualTo((byte) 0);
        assertThat(archive[155]).isEqualTo((byte) ' ');
        assertThat(octalField(archive, 148, 8)).isEqualTo(Tar.checksum(archive));
        assertThat(read(archive)).singleElement().satisfies(r -> assertThat(r.header().checksumOk()).isTrue());
    }

    @Test
    void finishAloneWritesAnEmptyArchiveOfOneRecord() throws IOException {
        byte[] archive = write(List.of());

        assertThat(archive).isEqualTo(new byte[Tar.RECORD]);
        assertThat(read(archive)).isEmpty();
    }

    @Test
    void inputSkipsWhatTheCallerLeavesUnread() throws IOException {
        List<Item> items = List.of(file("first", random(5_000, 1), 0644, MTIME),
                file("second", random(700, 2), 0644, NANOS), file("third", random(1_300, 3), 0600, MTIME));
        Tar.Input in = new Tar.Input(new ByteArrayInputStream(write(items)));

        assertThat(in.next().name()).isEqualTo("first");
        byte[] some = new byte[10];
        assertThat(in.read(some, 0, 10)).isPositive();
        assertThat(in.next().name()).isEqualTo("second");
        Tar.Header third = in.next();
        assertThat(third.name()).isEqualTo("third");
        assertThat(third.size()).isEqualTo(1_300);
        assertThat(content(in)).isEqualTo(items.get(2).content());
        assertThat(in.next()).isNull();
    }

    @Test
    void commonsCompressReadsWhatOutputWrites() throws IOException {
        List<Item> items = everyKind();
        List<TarArchiveEntry> entries = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();

        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(write(items)), "UTF-8")) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                entries.add(e);
                contents.add(in.readAllBytes());
            }
        }

        assertThat(entries).hasSameSizeAs(items);
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            TarArchiveEntry entry = entries.get(i);
            assertThat(entry.getName()).isEqualTo(item.name());
            assertThat(entry.isDirectory()).as(item.name()).isEqualTo(item.directory());
            assertThat(entry.getSize()).as(item.name()).isEqualTo(item.content().length);
            assertThat(entry.getMode()).as(item.name()).isEqualTo(item.mode());
            assertThat(entry.getLastModifiedTime().toInstant()).as(item.name()).isEqualTo(item.modified());
            assertThat(contents.get(i)).as(item.name()).isEqualTo(item.content());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {85, 90, 91, 92, 93, 94, 95, 96, 985, 990, 991, 992, 993, 994, 995, 996, 9_990, 9_993})
    void writesPaxRecordLengthsThatCountTheirOwnDigits(int nameBytes) throws IOException {
        String name = "é" + "n".repeat(nameBytes - 2); // not ASCII: a PAX path at any length
        assertThat(utf8Length(name)).isEqualTo(nameBytes);
        byte[] archive = write(List.of(file(name, "x".getBytes(UTF_8), 0644, MTIME)));

        String records = paxRecords(archive);
        int space = records.indexOf(' ');
        assertThat(Integer.parseInt(records.substring(0, space))).isEqualTo(utf8Length(records));
        assertThat(records).endsWith(" path=" + name + "\n");
        assertReadsBack(archive, List.of(file(name, "x".getBytes(UTF_8), 0644, MTIME)));
    }

    // --- what Output refuses ---

    @Test
    void outputRefusesContentBeyondTheDeclaredSize() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Tar.Output out = new Tar.Output(bytes);
        out.putEntry("f", Tar.REGULAR, 10, 0644, MTIME);
        out.write(new byte[6], 0, 6);
        int written = bytes.size();

        assertThatThrownBy(() -> out.write(new byte[5], 0, 5)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("4 more bytes");
        assertThat(bytes.size()).as("nothing of the refused write").isEqualTo(written);
        out.write(new byte[4], 0, 4);
        assertThatThrownBy(() -> out.write(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
        out.closeEntry();
        out.finish();
        assertThat(read(bytes.toByteArray())).singleElement()
                .satisfies(r -> assertThat(r.content()).isEqualTo(new byte[10]));
    }

    @Test
    void outputRefusesToCloseAnEntryThatLacksBytes() throws IOException {
        Tar.Output out = new Tar.Output(new ByteArrayOutputStream());
        out.putEntry("f", Tar.REGULAR, 10, 0644, MTIME);
        out.write(new byte[7], 0, 7);

        assertThatThrownBy(out::closeEntry).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("3 bytes");
        assertThatThrownBy(() -> out.putEntry("g", Tar.REGULAR, 0, 0644, MTIME))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(out::finish).isInstanceOf(IllegalStateException.class);
    }

    // --- big sizes ---

    @Test
    void declaresASizeBeyondTheOctalFieldInAPaxRecord() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Tar.Output(bytes).putEntry("big.bin", Tar.REGULAR, TEN_GIB, 0644, Instant.EPOCH); // no content
        byte[] head = bytes.toByteArray();

        assertThat(head).hasSize(3 * BLOCK);
        assertThat(head[156]).isEqualTo(Tar.PAX);
        assertThat(paxRecords(head)).isEqualTo("20 size=10737418240\n");
        assertThat(new String(head, 2 * BLOCK + 124, 12, US_ASCII)).as("the ustar size field")
                .isEqualTo("00000000000\0");
        Tar.Header header = new Tar.Input(new ByteArrayInputStream(head)).next();
        assertThat(header.name()).isEqualTo("big.bin");
        assertThat(header.type()).isEqualTo(Tar.REGULAR);
        assertThat(header.size()).isEqualTo(TEN_GIB);
        assertThat(header.modified()).isEqualTo(Instant.EPOCH);
        assertThat(header.checksumOk()).isTrue();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(head))) {
            assertThat(in.getNextEntry().getSize()).as("commons-compress").isEqualTo(TEN_GIB);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {MAX_OCTAL_11 - 1, MAX_OCTAL_11, MAX_OCTAL_11 + 1})
    void keepsTheLargestOctalSizeInTheUstarFieldAndGoesToPaxAboveIt(long size) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Tar.Output(bytes).putEntry("f", Tar.REGULAR, size, 0644, MTIME);
        byte[] head = bytes.toByteArray();

        assertThat(head[156]).isEqualTo(size > MAX_OCTAL_11 ? Tar.PAX : Tar.REGULAR);
        assertThat(new Tar.Input(new ByteArrayInputStream(head)).next().size()).isEqualTo(size);
    }

    // --- GNU tar reads what Output writes ---

    @Test
    @Timeout(60)
    void gnuTarExtractsWhatOutputWrites(@TempDir Path temp) throws Exception {
        requireGnuTarOrSkip();
        List<Item> items = everyKind();
        Path archive = temp.resolve("archive.tar");
        Files.write(archive, write(items));
        Path out = Files.createDirectory(temp.resolve("out"));

        Run extract = tar(temp, "-xf", archive.toString(), "-C", out.toString());

        assertThat(extract.exitCode()).as(extract.stderr()).isZero();
        long beforeTheEpoch = items.stream().filter(i -> i.modified().getEpochSecond() < 0).count();
        assertThat(extract.stderr().lines()).as("only GNU tar's warnings for times before 1970")
                .hasSize((int) beforeTheEpoch).allSatisfy(l -> assertThat(l).contains("implausibly old time stamp"));
        Duration resolution = timeResolution(temp);
        for (Item item : items) {
            if (!nameable(item.name())) {
                continue; // this JVM cannot name the file; the re-archived check below covers it
            }
            Path path = out.resolve(item.name());
            if (item.directory()) {
                assertThat(path).isDirectory();
            } else {
                assertThat(path).isRegularFile().hasBinaryContent(item.content());
                assertThat(Files.isExecutable(path)).as(item.name()).isEqualTo((item.mode() & 0100) != 0);
            }
            assertCloseTo(Files.getLastModifiedTime(path).toInstant(), item.modified(), resolution, item.name());
        }
        // what landed on disk, names as bytes included, seen through GNU tar's own posix archive of it
        Path again = temp.resolve("again.tar");
        Run create = tar(temp, "--format=posix", "-cf", again.toString(), "-C", out.toString(), "modules");
        assertThat(create.exitCode()).as(create.stderr()).isZero();
        Map<String, Read> reread = readByName(Files.readAllBytes(again));
        assertThat(reread.keySet()).containsExactlyInAnyOrderElementsOf(items.stream().map(Item::name).toList());
        for (Item item : items) {
            Read read = reread.get(item.name());
            assertThat(read.content()).as(item.name()).isEqualTo(item.content());
            assertCloseTo(read.header().modified(), item.modified(), resolution, item.name());
        }
    }

    @Test
    @Timeout(60)
    void gnuTarListsWhatOutputWritesWithoutWarnings(@TempDir Path temp) throws Exception {
        requireGnuTarOrSkip();
        List<Item> items = everyKind();
        Path archive = temp.resolve("archive.tar");
        Files.write(archive, write(items));

        Run verbose = tar(temp, "-tvf", archive.toString());
        Run names = tar(temp, "--quoting-style=literal", "-tf", archive.toString());

        assertThat(verbose.exitCode()).as(verbose.stderr()).isZero();
        assertThat(verbose.stderr()).isEmpty();
        assertThat(verbose.out().lines()).hasSameSizeAs(items);
        assertThat(names.exitCode()).as(names.stderr()).isZero();
        assertThat(names.stderr()).isEmpty();
        assertThat(names.out().lines()).containsExactlyElementsOf(items.stream().map(Item::name).toList());
    }

    // --- Input reads what GNU tar writes ---

    @Test
    @Timeout(60)
    void readsWhatGnuTarWritesInPosixFormat(@TempDir Path temp) throws Exception {
        requireGnuTarOrSkip();
        List<Item> items = new ArrayList<>(List.of(directory("tree/", 0755, MTIME),
                file("tree/small.txt", "hello".getBytes(UTF_8), 0644, NANOS),
                file("tree/empty", new byte[0], 0600, Instant.ofEpochSecond(1_700_000_000, 1)),
                file("tree/block.bin", random(512, 1), 0644, MTIME),
                file("tree/odd.bin", random(1_000, 2), 0755, Instant.ofEpochMilli(1_650_000_000_999L)),
                file("tree/big.bin", random(70_000, 3), 0644, MINUS_1_25),
                directory("tree/" + "d".repeat(150) + "/", 0750, NANOS),
                directory("tree/" + "d".repeat(150) + "/" + "e".repeat(120) + "/", 0755, MINUS_0_5),
                file("tree/" + "d".repeat(150) + "/" + "e".repeat(120) + "/" + "f".repeat(200), random(3, 4), 0644,
                        Instant.ofEpochSecond(1_234_567_890, 500_000_000))));
        if (nameable(NON_ASCII)) {
            items.add(directory("tree/été/", 0755, MTIME));
            items.add(file("tree/été/日本.txt", "日本".getBytes(UTF_8), 0644, NANOS));
        }
        Path src = materialize(temp.resolve("src"), items);

        byte[] archive = gnuTarCreate(temp, src, "--format=posix");

        assertThat(new String(archive, US_ASCII)).contains(" path=tree/" + "d".repeat(150));
        assertReadsWhatIsOnDisk(archive, items, src, false);
    }

    @Test
    @Timeout(60)
    void readsWhatGnuTarWritesInGnuFormatWithLongNameEntries(@TempDir Path temp) throws Exception {
        requireGnuTarOrSkip();
        String longDir = "tree/" + "d".repeat(150) + "/";
        List<Item> items = new ArrayList<>(List.of(directory("tree/", 0755, MTIME),
                file("tree/small.txt", "hello".getBytes(UTF_8), 0644, NANOS),
                file("tree/empty", new byte[0], 0600, MTIME),
                file("tree/odd.bin", random(1_000, 2), 0755, Instant.ofEpochSecond(1_650_000_000, 999_999_999)),
                file("tree/" + "x".repeat(95), random(512, 5), 0644, MTIME),
                directory(longDir, 0750, NANOS),
                file(longDir + "e".repeat(200), random(20_000, 4), 0644, Instant.EPOCH)));
        if (nameable(NON_ASCII)) {
            items.add(file("tree/日本.txt", "日本".getBytes(UTF_8), 0644, NANOS));
        }
        Path src = materialize(temp.resolve("src"), items);

        byte[] archive = gnuTarCreate(temp, src, "--format=gnu");

        List<Integer> longNames = headersWhere(archive, at -> archive[at + 156] == Tar.GNU_LONG_NAME
                && new String(archive, at, 13, US_ASCII).equals("././@LongLink"));
        assertThat(longNames).as("'L' entries for the two names over 100 bytes").hasSize(2);
        assertReadsWhatIsOnDisk(archive, items, src, true);
    }

    @Test
    @Timeout(60)
    void readsWhatGnuTarWritesInUstarFormatWithThePrefixField(@TempDir Path temp) throws Exception {
        requireGnuTarOrSkip();
        String p = "tree/" + "p".repeat(90) + "/";
        String r = p + "r".repeat(50) + "/";
        List<Item> items = List.of(directory("tree/", 0755, MTIME),
                file("tree/small.txt", "hello".getBytes(UTF_8), 0644, NANOS),
                file("tree/" + "x".repeat(95), random(512, 5), 0644, MTIME),
                directory(p, 0755, MTIME),
                file(p + "q".repeat(60), random(1_000, 6), 0640, Instant.ofEpochSecond(1_111_111_111)),
                directory(r, 0700, Instant.EPOCH),
                file(r + "s".repeat(80), random(2_000, 7), 0644, NANOS));
        assertThat(utf8Length(r + "s".repeat(80))).isBetween(201, 255);
        Path src = materialize(temp.resolve("src"), items);

        byte[] archive = gnuTarCreate(temp, src, "--format=ustar");

        List<Integer> prefixed = headersWhere(archive, at -> new String(archive, at + 257, 6, US_ASCII)
                .equals("ustar\0") && archive[at + 345] != 0);
        assertThat(prefixed).as("headers that use the prefix field").hasSize(3);
        assertReadsWhatIsOnDisk(archive, items, src, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--format=gnu", "--format=posix"})
    @Timeout(60)
    void readsTheSizeGnuTarWritesForAnEntryOver8GiB(String format, @TempDir Path temp) throws Exception {
        requireGnuTarOrSkip();
        Path dir = Files.createDirectory(temp.resolve("big"));
        long size = 9L << 30;
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("huge").toFile(), "rw")) {
            file.setLength(size); // sparse: GNU tar reads zeros, and only its first blocks are read here
        } catch (IOException e) {
            Assumptions.abort("this file system cannot hold a sparse 9 GiB file: " + e);
        }
        Process tar = new ProcessBuilder(GNU_TAR.toString(), format, "-cf", "-", "-C", dir.toString(), "huge")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] head;
        try (InputStream out = tar.getInputStream()) {
            head = out.readNBytes(4 * BLOCK);
        } finally {
            tar.destroy();
            tar.waitFor(10, TimeUnit.SECONDS);
        }

        if (format.equals("--format=gnu")) {
            assertThat(head[124] & 0xff).as("a base-256 size field").isEqualTo(0x80);
        } else {
            assertThat(head[156]).isEqualTo(Tar.PAX);
        }
        Tar.Header header = new Tar.Input(new ByteArrayInputStream(head)).next();
        assertThat(header.name()).isEqualTo("huge");
        assertThat(header.size()).isEqualTo(size);
        assertThat(header.checksumOk()).isTrue();
    }

    static Stream<Arguments> sparseFormats() {
        return Stream.of(Arguments.of(List.of("--format=gnu"), Tar.GNU_SPARSE),
                Arguments.of(List.of("--format=posix", "--sparse-version=0.0"), Tar.REGULAR),
                Arguments.of(List.of("--format=posix", "--sparse-version=0.1"), Tar.REGULAR),
                Arguments.of(List.of("--format=posix", "--sparse-version=1.0"), Tar.REGULAR));
    }

    @ParameterizedTest
    @MethodSource("sparseFormats")
    @Timeout(60)
    void marksTheSparseEntriesGnuTarWrites(List<String> format, byte type, @TempDir Path temp) throws Exception {
        requireGnuTarOrSkip();
        Path src = Files.createDirectory(temp.resolve("src"));
        try (RandomAccessFile file = new RandomAccessFile(src.resolve("holes").toFile(), "rw")) {
            file.seek(1 << 20);
            file.write("data".getBytes(UTF_8));
            file.seek(3 << 20);
            file.write("more".getBytes(UTF_8));
        }
        Files.writeString(src.resolve("plain"), "plain");
        List<String> args = new ArrayList<>(format);
        args.addAll(List.of("--sparse", "-cf", temp.resolve("s.tar").toString(), "-C", src.toString(), "holes",
                "plain"));

        Run create = tar(temp, args.toArray(String[]::new));

        assertThat(create.exitCode()).as(create.stderr()).isZero();
        Tar.Input in = new Tar.Input(new ByteArrayInputStream(Files.readAllBytes(temp.resolve("s.tar"))));
        Tar.Header holes = in.next();
        assertThat(holes.name()).endsWith("holes");
        assertThat(holes.sparse()).isTrue();
        assertThat(holes.type()).isEqualTo(type);
        assertThat(holes.checksumOk()).isTrue();
        Tar.Header plain = in.next();
        assertThat(plain.name()).isEqualTo("plain");
        assertThat(plain.sparse()).as("the sparse mark stays on its entry").isFalse();
        assertThat(content(in)).isEqualTo("plain".getBytes(UTF_8));
        assertThat(in.next()).isNull();
    }

    @Test
    @Timeout(60)
    void tellsApartTheLinksAndFifosGnuTarWrites(@TempDir Path temp) throws Exception {
        requireGnuTarOrSkip();
        Path src = Files.createDirectory(temp.resolve("src"));
        Files.writeString(src.resolve("a"), "a");
        Files.createLink(src.resolve("b"), src.resolve("a"));
        Files.createSymbolicLink(src.resolve("c"), Path.of("a"));
        List<String> names = new ArrayList<>(List.of("a", "b", "c"));
        Map<String, Byte> types = new LinkedHashMap<>(Map.of("a", Tar.REGULAR, "b", Tar.HARD_LINK,
                "c", Tar.SYMBOLIC_LINK));
        Process mkfifo = new ProcessBuilder("mkfifo", src.resolve("d").toString()).start();
        if (mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0) {
            names.add("d");
            types.put("d", Tar.FIFO);
        }
        List<String> args = new ArrayList<>(List.of("--format=posix", "-cf", temp.resolve("l.tar").toString(),
                "-C", src.toString()));
        args.addAll(names);

        Run create = tar(temp, args.toArray(String[]::new));

        assertThat(create.exitCode()).as(create.stderr()).isZero();
        Map<String, Read> read = readByName(Files.readAllBytes(temp.resolve("l.tar")));
        assertThat(read.keySet()).containsExactlyElementsOf(names);
        types.forEach((name, type) -> assertThat(read.get(name).header().type()).as(name).isEqualTo(type));
        assertThat(read.values()).allSatisfy(r -> assertThat(r.header().sparse()).isFalse());
    }

    // --- hostile input ---

    @Test
    void reportsABadChecksumOnTheEntryAndStillParsesTheName() throws IOException {
        byte[] archive = write(List.of(file("dir/file.txt", "hello".getBytes(UTF_8), 0644, MTIME)));
        octal(archive, 148, 7, Tar.checksum(archive) + 1);

        Tar.Input in = new Tar.Input(new ByteArrayInputStream(archive));
        Tar.Header header = in.next();

        assertThat(header.checksumOk()).isFalse();
        assertThat(header.name()).isEqualTo("dir/file.txt");
        assertThat(header.size()).isEqualTo(5);
        assertThat(content(in)).isEqualTo("hello".getBytes(UTF_8));
    }

    @Test
    void reportsAChecksumThatAnEditedHeaderNoLongerMatches() throws IOException {
        byte[] archive = write(List.of(file("dir/file.txt", "hello".getBytes(UTF_8), 0644, MTIME)));
        archive[0] = 'D';

        Tar.Header header = new Tar.Input(new ByteArrayInputStream(archive)).next();

        assertThat(header.checksumOk()).isFalse();
        assertThat(header.name()).isEqualTo("Dir/file.txt");
    }

    @Test
    void acceptsAChecksumSummedOverSignedBytes() throws IOException {
        byte[] h = header("é", Tar.REGULAR, 0);
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            signed += i >= 148 && i < 156 ? ' ' : h[i];
        }
        assertThat(signed).isNotEqualTo(Tar.checksum(h));
        octal(h, 148, 7, signed);

        Tar.Header header = input(h).next();

        assertThat(header.checksumOk()).isTrue();
        assertThat(header.name()).isEqualTo("é");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 257, 511})
    void throwsEofOnATruncatedHeaderBlock(int length) throws IOException {
        byte[] archive = write(List.of(file("a", random(600, 1), 0644, MTIME),
                file("b", new byte[0], 0644, MTIME)));
        int second = BLOCK + roundUpInt(600, BLOCK); // after a's header and its two content blocks
        assertThat(archive[second]).isEqualTo((byte) 'b');
        Tar.Input in = new Tar.Input(new ByteArrayInputStream(Arrays.copyOf(archive, second + length)));

        assertThat(in.next().name()).isEqualTo("a");
        assertThatThrownBy(in::next).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> input(Arrays.copyOf(header("x", Tar.REGULAR, 0), length)).next())
                .isInstanceOf(EOFException.class);
    }

    @Test
    void throwsEofWhenTheArchiveEndsInsideAnEntrysContent() throws IOException {
        byte[] content = random(2_000, 1);
        byte[] cut = Arrays.copyOf(write(List.of(file("a", content, 0644, MTIME))), BLOCK + 1_500);

        Tar.Input reading = new Tar.Input(new ByteArrayInputStream(cut));
        reading.next();
        byte[] buffer = new byte[4_096];
        int total = 0;
        Throwable thrown = null;
        try {
            for (int n; (n = reading.read(buffer, total, buffer.length - total)) >= 0; ) {
                total += n;
            }
        } catch (IOException e) {
            thrown = e;
        }
        assertThat(thrown).isInstanceOf(EOFException.class);
        assertThat(Arrays.copyOf(buffer, total)).isEqualTo(Arrays.copyOf(content, 1_500));

        Tar.Input skipping = new Tar.Input(new ByteArrayInputStream(cut));
        skipping.next();
        assertThatThrownBy(skipping::next).isInstanceOf(EOFException.class);
    }

    @Test
    void throwsEofWhenTheArchiveEndsInsideTheContentPadding() throws IOException {
        byte[] cut = Arrays.copyOf(write(List.of(file("a", random(100, 1), 0644, MTIME))), BLOCK + 300);
        Tar.Input in = new Tar.Input(new ByteArrayInputStream(cut));

        in.next();

        assertThat(content(in)).hasSize(100);
        assertThatThrownBy(in::next).isInstanceOf(EOFException.class);
    }

    @Test
    void throwsEofWhenTheArchiveEndsInsideAPaxHeader() throws IOException {
        byte[] archive = write(List.of(file(NAME_300, new byte[0], 0644, MTIME)));

        Tar.Input in = new Tar.Input(new ByteArrayInputStream(Arrays.copyOf(archive, BLOCK + 100)));

        assertThatThrownBy(in::next).isInstanceOf(EOFException.class);
    }

    static Stream<String> malformedPaxRecords() {
        return Stream.of("30 path=x\n", // longer than the header
                "5 path=abcdef\n", // shorter than its record
                "12 pathabcd\n", // no '='
                "9 =value\n", // an empty key
                "1a path=x\n", // a letter in the length
                "xx path=x\n", // no length
                " 9 path=x\n", // a space before the length
                "9 path=xy", // no newline at its end
                "0 path=x\n", // a zero length
                "2 \n", // a length that leaves no record
                "99999999999 path=x\n", // a length beyond any header
                "11 path=ab\n8 mtime=\n" // the second record broken
        );
    }

    @ParameterizedTest
    @MethodSource("malformedPaxRecords")
    void refusesAMalformedPaxRecord(String records) {
        assertThatThrownBy(() -> input(pax(Tar.PAX, records), header("f", Tar.REGULAR, 0)).next())
                .isInstanceOf(IOException.class).hasMessageContaining("PAX");
    }

    @Test
    void refusesAMalformedRecordInAGlobalPaxHeader() {
        assertThatThrownBy(() -> input(pax(Tar.PAX_GLOBAL, "30 comment=x\n"), header("f", Tar.REGULAR, 0)).next())
                .isInstanceOf(IOException.class).hasMessageContaining("PAX");
    }

    @ParameterizedTest
    @ValueSource(bytes = {Tar.PAX, Tar.PAX_GLOBAL, Tar.GNU_LONG_NAME, Tar.GNU_LONG_LINK})
    void refusesAnExtendedHeaderLargerThan1MiB(byte type) {
        byte[] huge = header("PaxHeaders/f", type, (1 << 20) + 1); // no content: it is refused before

        assertThatThrownBy(() -> input(huge).next()).isInstanceOf(IOException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void readsAPaxHeaderOfExactly1MiB() throws IOException {
        String path = "path=from/pax\n";
        String comment = "comment=" + "c".repeat((1 << 20) - (3 + path.length()) - 8 - 9) + "\n";
        String records = (3 + path.length()) + " " + path + (8 + comment.length()) + " " + comment;
        assertThat(utf8Length(records)).isEqualTo(1 << 20);

        Tar.Header header = input(pax(Tar.PAX, records), header("f", Tar.REGULAR, 0)).next();

        assertThat(header.name()).isEqualTo("from/pax");
    }

    static Stream<String> nonOctalSizes() {
        return Stream.of("00000000009\0", "0000000001x\0", "-0000000001\0", "0000000001 9", "0x0000000010");
    }

    @ParameterizedTest
    @MethodSource("nonOctalSizes")
    void refusesASizeFieldThatIsNotOctal(String field) {
        byte[] h = header("f", Tar.REGULAR, 0);
        System.arraycopy(field.getBytes(US_ASCII), 0, h, 124, 12);
        fixChecksum(h, 0);

        assertThatThrownBy(() -> input(h).next()).isInstanceOf(IOException.class).hasMessageContaining("size");
    }

    @Test
    void readsOctalFieldsWithLeadingSpacesAndTrailingSpacesOrNul() throws IOException {
        byte[] h = header("f", Tar.REGULAR, 0);
        System.arraycopy("      1234 \0".getBytes(US_ASCII), 0, h, 124, 12);
        System.arraycopy(" 644 \0\0\0".getBytes(US_ASCII), 0, h, 100, 8);
        fixChecksum(h, 0);

        Tar.Header header = input(h, data(new byte[01234])).next();

        assertThat(header.size()).isEqualTo(01234);
        assertThat(header.mode()).isEqualTo(0644);
    }

    @Test
    void readsABase256Size() throws IOException {
        byte[] content = random(700, 9);
        byte[] h = header("f", Tar.REGULAR, 0);
        base256(h, 124, 12, content.length);
        fixChecksum(h, 0);

        Tar.Input in = input(h, data(content), header("g", Tar.REGULAR, 0));
        Tar.Header header = in.next();

        assertThat(header.size()).isEqualTo(700);
        assertThat(header.checksumOk()).isTrue();
        assertThat(content(in)).isEqualTo(content);
        assertThat(in.next().name()).isEqualTo("g");
    }

    @Test
    void readsABase256SizeOf10GiB() throws IOException {
        byte[] h = header("big", Tar.REGULAR, 0);
        base256(h, 124, 12, TEN_GIB);
        fixChecksum(h, 0);

        assertThat(input(h).next().size()).isEqualTo(TEN_GIB);
    }

    @Test
    void readsABase256ModificationTime() throws IOException {
        byte[] h = header("f", Tar.REGULAR, 0);
        base256(h, 136, 12, 1L << 40);
        fixChecksum(h, 0);

        assertThat(input(h).next().modified()).isEqualTo(Instant.ofEpochSecond(1L << 40));
    }

    @Test
    void refusesANegativeBase256Size() {
        byte[] h = header("f", Tar.REGULAR, 0);
        Arrays.fill(h, 124, 136, (byte) 0xff); // -1 in two's complement
        fixChecksum(h, 0);

        assertThatThrownBy(() -> input(h).next()).isInstanceOf(IOException.class).hasMessageContaining("size");
    }

    @Test
    void refusesABase256SizeThatDoesNotFitALong() {
        byte[] h = header("f", Tar.REGULAR, 0);
        h[124] = (byte) 0x80;
        h[127] = 1; // 2^64
        fixChecksum(h, 0);

        assertThatThrownBy(() -> input(h).next()).isInstanceOf(IOException.class).hasMessageContaining("size");
    }

    @Test
    void marksAGnuSparseEntry() throws IOException {
        Tar.Header header = input(header("sparse", Tar.GNU_SPARSE, 0)).next();

        assertThat(header.type()).isEqualTo(Tar.GNU_SPARSE);
        assertThat(header.sparse()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GNU.sparse.size=4096", "GNU.sparse.major=1", "GNU.sparse.map=0,10",
        "GNU.sparse.name=f", "GNU.sparse.realsize=8192"})
    void marksAnEntryWhosePaxHeaderHasAGnuSparseKey(String record) throws IOException {
        String records = paxRecord(record);
        Tar.Input in = input(pax(Tar.PAX, records), header("f", Tar.REGULAR, 0), header("g", Tar.REGULAR, 0));

        Tar.Header header = in.next();

        assertThat(header.name()).isEqualTo("f");
        assertThat(header.type()).isEqualTo(Tar.REGULAR);
        assertThat(header.sparse()).isTrue();
        assertThat(in.next().sparse()).as("the next entry").isFalse();
    }

    @Test
    void marksAnEntryAfterAGlobalPaxHeaderWithAGnuSparseKey() throws IOException {
        Tar.Input in = input(pax(Tar.PAX_GLOBAL, paxRecord("GNU.sparse.major=1")), header("f", Tar.REGULAR, 0));

        assertThat(in.next().sparse()).isTrue();
    }

    @Test
    void doesNotMarkAnEntryForOtherPaxKeys() throws IOException {
        String records = paxRecord("comment=GNU.sparse.size") + paxRecord("SCHILY.xattr.user.GNU.sparse=1");

        assertThat(input(pax(Tar.PAX, records), header("f", Tar.REGULAR, 0)).next().sparse()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(bytes = {Tar.HARD_LINK, Tar.SYMBOLIC_LINK, Tar.CHARACTER_DEVICE, Tar.BLOCK_DEVICE, Tar.FIFO,
        Tar.OLD_REGULAR, '7', 'V', 'Z'})
    void passesOtherEntryTypesThroughWithTheirTypeByte(byte type) throws IOException {
        Tar.Input in = input(header("special", type, 0), header("next", Tar.REGULAR, 0));

        Tar.Header header = in.next();

        assertThat(header.name()).isEqualTo("special");
        assertThat(header.type()).isEqualTo(type);
        assertThat(header.sparse()).isFalse();
        assertThat(header.checksumOk()).isTrue();
        assertThat(in.next().name()).isEqualTo("next");
    }

    @Test
    void aZeroBlockEndsTheArchiveForGood() throws IOException {
        Tar.Input in = input(header("a", Tar.REGULAR, 3), data("abc".getBytes(UTF_8)), new byte[BLOCK],
                header("after", Tar.REGULAR, 0));

        assertThat(in.next().name()).isEqualTo("a");
        assertThat(in.next()).isNull();
        assertThat(in.next()).isNull();
        assertThat(in.next()).isNull();
    }

    @Test
    void theEndOfTheStreamEndsTheArchive() throws IOException {
        Tar.Input in = input(header("a", Tar.REGULAR, 3), data("abc".getBytes(UTF_8)));

        assertThat(in.next().name()).isEqualTo("a");
        assertThat(content(in)).isEqualTo("abc".getBytes(UTF_8));
        assertThat(in.next()).isNull();
        assertThat(in.next()).isNull();
    }

    @Test
    void addsTheSlashThatADirectoryNameLacks() throws IOException {
        Tar.Input in = input(header("dir", Tar.DIRECTORY, 0), header("dir/sub/", Tar.DIRECTORY, 0),
                header("file", Tar.REGULAR, 0));

        assertThat(in.next().name()).isEqualTo("dir/");
        assertThat(in.next().name()).isEqualTo("dir/sub/");
        assertThat(in.next().name()).isEqualTo("file");
    }

    @Test
    void addsTheSlashToADirectoryOutputWroteWithoutOne() throws IOException {
        assertThat(read(write(List.of(directory("d", 0755, MTIME)))).get(0).header().name()).isEqualTo("d/");
    }

    @Test
    void joinsTheUstarPrefixAndTheName() throws IOException {
        byte[] h = header("name.txt", Tar.REGULAR, 0);
        byte[] prefix = "a/prefix".getBytes(US_ASCII);
        System.arraycopy(prefix, 0, h, 345, prefix.length);
        fixChecksum(h, 0);

        assertThat(input(h).next().name()).isEqualTo("a/prefix/name.txt");
    }

    @Test
    void ignoresThePrefixFieldOfAGnuHeader() throws IOException {
        byte[] h = header("name.txt", Tar.REGULAR, 0);
        System.arraycopy("ustar  \0".getBytes(US_ASCII), 0, h, 257, 8);
        octal(h, 345, 12, 1_700_000_000L); // the GNU format's atime
        fixChecksum(h, 0);

        assertThat(input(h).next().name()).isEqualTo("name.txt");
    }

    @Test
    void aGnuLongNameReplacesTheNameAndALongLinkIsSkipped() throws IOException {
        String longName = "l/".repeat(100) + "name";
        byte[] nameBytes = (longName + "\0").getBytes(UTF_8);
        byte[] link = "k/".repeat(100).getBytes(UTF_8);
        Tar.Input in = input(header("././@LongLink", Tar.GNU_LONG_LINK, link.length), data(link),
                header("././@LongLink", Tar.GNU_LONG_NAME, nameBytes.length), data(nameBytes),
                header("l/l/l/truncated", Tar.SYMBOLIC_LINK, 0), header("next", Tar.REGULAR, 0));

        Tar.Header header = in.next();

        assertThat(header.name()).isEqualTo(longName);
        assertThat(header.type()).isEqualTo(Tar.SYMBOLIC_LINK);
        assertThat(in.next().name()).as("the long name is for one entry").isEqualTo("next");
    }

    @Test
    void paxValuesApplyToTheNextEntryOnly() throws IOException {
        String records = paxRecord("path=pax/name") + paxRecord("mtime=1.5") + paxRecord("size=3")
                + paxRecord("uname=someone");
        Tar.Input in = input(pax(Tar.PAX, records), header("ustar-name", Tar.REGULAR, 999),
                data("abc".getBytes(UTF_8)), header("second", Tar.REGULAR, 2), data("de".getBytes(UTF_8)));

        Tar.Header first = in.next();
        assertThat(first.name()).isEqualTo("pax/name");
        assertThat(first.modified()).isEqualTo(Instant.ofEpochMilli(1_500));
        assertThat(first.size()).isEqualTo(3);
        assertThat(content(in)).isEqualTo("abc".getBytes(UTF_8));
        Tar.Header second = in.next();
        assertThat(second.name()).isEqualTo("second");
        assertThat(second.modified()).isEqualTo(MTIME);
        assertThat(second.size()).isEqualTo(2);
        assertThat(content(in)).isEqualTo("de".getBytes(UTF_8));
    }

    @Test
    void skipsAnExtendedHeaderWithABadChecksumAsAnEntryOfItsOwn() throws IOException {
        byte[] pax = pax(Tar.PAX, paxRecord("path=pax/name"));
        pax[0] ^= 1;

        Tar.Input in = input(pax, header("f", Tar.REGULAR, 0));
        Tar.Header header = in.next();

        assertThat(header.type()).isEqualTo(Tar.PAX);
        assertThat(header.checksumOk()).isFalse();
        assertThat(in.next().name()).isEqualTo("f");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "-", ".5", "1.2.3", "--1", "1e9", "1.5x", "+1", "1234567890123456789"})
    void refusesAPaxMtimeThatIsNotATime(String value) {
        assertThatThrownBy(() -> input(pax(Tar.PAX, paxRecord("mtime=" + value)), header("f", Tar.REGULAR, 0))
                .next()).isInstanceOf(IOException.class).hasMessageContaining("mtime");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "abc", "", "1.5", "99999999999999999999"})
    void refusesAPaxSizeThatIsNotANumber(String value) {
        assertThatThrownBy(() -> input(pax(Tar.PAX, paxRecord("size=" + value)), header("f", Tar.REGULAR, 0))
                .next()).isInstanceOf(IOException.class).hasMessageContaining("size");
    }

    @Test
    void readsPaxTimesWithMoreThanNineDigitsOfFraction() throws IOException {
        Tar.Header header = input(pax(Tar.PAX, paxRecord("mtime=-1.2500000009")), header("f", Tar.REGULAR, 0))
                .next();

        assertThat(header.modified()).isEqualTo(MINUS_1_25);
    }

    // --- helpers: entries and archives ---

    /** Directories and files with every kind of name, time, mode and size; parents before children. */
    private static List<Item> everyKind() {
        return List.of(directory(ROOT, 0755, MTIME),
                directory(MODULE, 0750, NANOS),
                file(NAME_100, random(100, 1), 0644, NANOS),
                file(NAME_101, random(1_000, 2), 0600, MTIME),
                directory(DIR_100, 0755, Instant.EPOCH),
                directory(DIR_200, 0755, MINUS_0_5),
                file(NAME_300, random(512, 3), 0640, MINUS_1_25),
                directory(NON_ASCII_DIR, 0755, NANOS.plusNanos(1)),
                file(NON_ASCII, "日本".getBytes(UTF_8), 0644, Instant.ofEpochSecond(1_700_000_000, 1)),
                file(MODULE + "empty", new byte[0], 0444, Instant.EPOCH),
                file(MODULE + "two-blocks.bin", random(1_024, 4), 0755, Instant.ofEpochMilli(1_700_000_000_001L)),
                file(MODULE + "odd.bin", random(10_001, 5), 0700, Instant.ofEpochSecond(1_650_000_000, 999_999_999)));
    }

    private static Item file(String name, byte[] content, int mode, Instant modified) {
        return new Item(name, Tar.REGULAR, content, mode, modified);
    }

    private static Item directory(String name, int mode, Instant modified) {
        return new Item(name, Tar.DIRECTORY, new byte[0], mode, modified);
    }

    /** Writes the items with {@link Tar.Output}, the content in uneven pieces. */
    private static byte[] write(List<Item> items) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Tar.Output out = new Tar.Output(bytes);
        for (Item item : items) {
            byte[] content = item.content();
            out.putEntry(item.name(), item.type(), content.length, item.mode(), item.modified());
            for (int at = 0; at < content.length; ) {
                int n = Math.min(content.length - at, 1 + at % 1_000);
                out.write(content, at, n);
                at += n;
            }
            out.closeEntry();
        }
        out.finish();
        return bytes.toByteArray();
    }

    private static List<Read> read(byte[] archive) throws IOException {
        Tar.Input in = new Tar.Input(new ByteArrayInputStream(archive));
        List<Read> entries = new ArrayList<>();
        for (Tar.Header header; (header = in.next()) != null; ) {
            entries.add(new Read(header, content(in)));
        }
        return entries;
    }

    private static Map<String, Read> readByName(byte[] archive) throws IOException {
        Map<String, Read> byName = new LinkedHashMap<>();
        for (Read read : read(archive)) {
            assertThat(byName.put(read.header().name(), read)).as(read.header().name()).isNull();
        }
        return byName;
    }

    private static byte[] content(Tar.Input in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[777];
        for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static void assertReadsBack(byte[] archive, List<Item> items) throws IOException {
        List<Read> read = read(archive);
        assertThat(read).hasSameSizeAs(items);
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            String name = item.directory() && !item.name().endsWith("/") ? item.name() + "/" : item.name();
            assertThat(read.get(i).header()).isEqualTo(new Tar.Header(name, item.type(), item.content().length,
                    item.mode() & 07777, item.modified(), true, false));
            assertThat(read.get(i).content()).as(item.name()).isEqualTo(item.content());
        }
    }

    /** The records of the PAX header that starts the archive. */
    private static String paxRecords(byte[] archive) {
        assertThat(archive[156]).isEqualTo(Tar.PAX);
        int size = (int) octalField(archive, 124, 12);
        return new String(archive, BLOCK, size, UTF_8);
    }

    private static String paxRecord(String keyValue) {
        int body = 1 + utf8Length(keyValue) + 1;
        int length = body + Integer.toString(body).length();
        if (Integer.toString(length).length() != Integer.toString(body).length()) {
            length++;
        }
        return length + " " + keyValue + "\n";
    }

    private static long octalField(byte[] archive, int at, int length) {
        String digits = new String(archive, at, length, US_ASCII).replace("\0", "").trim();
        return Long.parseLong(digits, 8);
    }

    /** The offsets of the header-aligned blocks that {@code test} accepts. */
    private static List<Integer> headersWhere(byte[] archive, IntPredicate test) {
        List<Integer> found = new ArrayList<>();
        for (int at = 0; at + BLOCK <= archive.length; at += BLOCK) {
            if (test.test(at)) {
                found.add(at);
            }
        }
        return found;
    }

    // --- helpers: hand-built blocks ---

    /** A ustar header block with a right checksum, mode 0644 and {@link #MTIME}. */
    private static byte[] header(String name, byte type, long size) {
        byte[] h = new byte[BLOCK];
        byte[] bytes = name.getBytes(UTF_8);
        System.arraycopy(bytes, 0, h, 0, Math.min(bytes.length, 100));
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, MTIME.getEpochSecond());
        h[156] = type;
        System.arraycopy(("ustar\0" + "00").getBytes(US_ASCII), 0, h, 257, 8);
        fixChecksum(h, 0);
        return h;
    }

    /** Content padded to whole blocks. */
    private static byte[] data(byte[] content) {
        return Arrays.copyOf(content, roundUpInt(content.length, BLOCK));
    }

    /** An extended header of this type and its records. */
    private static byte[] pax(byte type, String records) {
        byte[] bytes = records.getBytes(UTF_8);
        return concat(header("PaxHeaders/f", type, bytes.length), data(bytes));
    }

    private static void base256(byte[] h, int at, int length, long value) {
        Arrays.fill(h, at, at + length, (byte) 0);
        for (int i = at + length - 1; i > at; i--) {
            h[i] = (byte) value;
            value >>>= 8;
        }
        h[at] = (byte) 0x80;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static Tar.Input input(byte[]... parts) {
        return new Tar.Input(new ByteArrayInputStream(concat(parts)));
    }

    // --- helpers: GNU tar and the file system ---

    private static void requireGnuTarOrSkip() {
        if (Files.isExecutable(GNU_TAR)) {
            return;
        }
        String missing = GNU_TAR + " (package tar) is not installed";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(missing + ", and CI=true requires the GNU tar tests to run");
        }
        Assumptions.abort(missing + ": skipping the test against GNU tar");
    }

    private static Run tar(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(GNU_TAR.toString());
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(dir, "tar", ".out");
        Path stderr = Files.createTempFile(dir, "tar", ".err");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile()).start();
        if (!process.waitFor(50, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 50 s");
        }
        Run run = new Run(process.exitValue(), Files.readAllBytes(stdout), Files.readString(stderr));
        Files.delete(stdout);
        Files.delete(stderr);
        return run;
    }

    /** Archives {@code src/tree} with GNU tar in a format, and checks that GNU tar had nothing to say. */
    private static byte[] gnuTarCreate(Path temp, Path src, String format) throws Exception {
        Path archive = temp.resolve("gnu.tar");
        Run create = tar(temp, format, "-cf", archive.toString(), "-C", src.toString(), "tree");
        assertThat(create.exitCode()).as(create.stderr()).isZero();
        assertThat(create.stderr()).isEmpty();
        return Files.readAllBytes(archive);
    }

    /** Creates the items under {@code root}, then sets their modes and times. */
    private static Path materialize(Path root, List<Item> items) throws IOException {
        Files.createDirectories(root);
        for (Item item : items) {
            Path path = root.resolve(item.name());
            if (item.directory()) {
                Files.createDirectories(path);
            } else {
                Files.write(path, item.content());
            }
        }
        for (int i = items.size() - 1; i >= 0; i--) {
            Item item = items.get(i);
            Path path = root.resolve(item.name());
            Files.setAttribute(path, "unix:mode", item.mode());
            Files.setLastModifiedTime(path, FileTime.from(item.modified()));
        }
        return root;
    }

    /**
     * Reads a GNU tar archive of {@code src/tree} and compares each entry with the file on disk: the
     * time as the file system kept it, to the second only when {@code seconds} (the gnu and ustar formats).
     */
    private static void assertReadsWhatIsOnDisk(byte[] archive, List<Item> items, Path src, boolean seconds)
            throws IOException {
        Map<String, Read> read = readByName(archive);
        assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(items.stream().map(Item::name).toList());
        for (Item item : items) {
            Path path = src.resolve(item.name());
            Tar.Header header = read.get(item.name()).header();
            Instant onDisk = Files.getLastModifiedTime(path).toInstant();
            assertThat(header.type()).as(item.name()).isEqualTo(item.type());
            assertThat(header.size()).as(item.name()).isEqualTo(item.content().length);
            assertThat(header.mode()).as(item.name()).isEqualTo((int) Files.getAttribute(path, "unix:mode") & 07777);
            assertThat(header.modified()).as(item.name())
                    .isEqualTo(seconds ? Instant.ofEpochSecond(onDisk.getEpochSecond()) : onDisk);
            assertThat(header.checksumOk()).as(item.name()).isTrue();
            assertThat(header.sparse()).as(item.name()).isFalse();
            assertThat(read.get(item.name()).content()).as(item.name()).isEqualTo(item.content());
        }
    }

    /** Whether this JVM can turn the name into a path (it encodes file names in the locale's charset). */
    private static boolean nameable(String name) {
        String charset = System.getProperty("sun.jnu.encoding", "UTF-8");
        return Charset.isSupported(charset) && Charset.forName(charset).newEncoder().canEncode(name);
    }

    /** The finest time step the file system keeps, found with a probe file. */
    private static Duration timeResolution(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, "probe", "");
        Files.setLastModifiedTime(probe, FileTime.from(NANOS));
        Instant kept = Files.getLastModifiedTime(probe).toInstant();
        Files.delete(probe);
        for (ChronoUnit unit : List.of(ChronoUnit.NANOS, ChronoUnit.MICROS, ChronoUnit.MILLIS)) {
            if (kept.equals(NANOS.truncatedTo(unit))) {
                return unit.getDuration();
            }
        }
        return Duration.ofSeconds(2);
    }

    private static void assertCloseTo(Instant actual, Instant expected, Duration resolution, String what) {
        assertThat(Duration.between(expected, actual).abs()).as(what + ": " + actual + " for " + expected)
                .isLessThan(resolution);
    }

    /** Whether the ustar name field holds these bytes as they are: printable ASCII, nothing else. */
    private static boolean printableAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20) { // negative: not ASCII
                return false;
            }
        }
        return true;
    }

    private static int utf8Length(String s) {
        return s.getBytes(UTF_8).length;
    }

    private static long roundUp(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }

    private static int roundUpInt(int n, int unit) {
        return (n + unit - 1) / unit * unit;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
