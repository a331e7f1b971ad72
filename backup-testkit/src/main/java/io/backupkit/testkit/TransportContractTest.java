package io.backupkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Transport} must have: the compatibility kit that the local-directory and
 * the SFTP transport extend, and that authors of other transports can extend too (add backup-testkit
 * in test scope).
 *
 * <p>A subclass implements {@link #openTransport()}, which must return a transport onto a fresh, empty
 * server directory for every test. It may override {@link #serverDirectory()} so that the tests can
 * also check the directory behind the transport's back (leftover temporaries, hidden files), and
 * {@link #tearDownServer()} to stop what it started. Each test gets its own transport, closed after
 * the test (so {@link Transport#close()} must be safe to call twice); tests run on one thread, as the
 * engine uses a transport, except that some close it from another thread, as the engine's abort does.
 *
 * <p>What they check, beyond storing, listing, reading and deleting objects:
 * <ul>
 *   <li>Publishing: nothing is visible before {@link ObjectUpload#commit()}; a commit without replace
 *       fails with {@link FileAlreadyExistsException} when the name exists, even when it appeared
 *       meanwhile; a replace is atomic; {@link ObjectUpload#close()} without a commit leaves nothing.
 *   <li>{@link Transport#removeTemporaries(String)}: an upload abandoned without a commit or a close
 *       stands for a writer that was killed; afterwards the listing is unchanged, the object of that
 *       name is intact, and no temporary of that name is left in the directory, while the uploads of
 *       names that share a prefix or a suffix with it ({@code abc}, {@code abc.tar.zst},
 *       {@code old.abc.tar} beside {@code abc.tar}) keep their temporaries and still commit. Calling it
 *       again, or for a name without temporaries, does nothing. A transport without temporaries (like
 *       {@link InMemoryTransport}) passes with the default method.
 *   <li>{@link Transport#close()} from another thread: the next read of a stream the transport opened
 *       fails with an {@link IOException} (nothing read ahead is handed out), and an open upload never
 *       commits. It is how the engine's abort stops a transfer; a transport whose reads can block must
 *       also make a read blocked at that moment fail promptly, which only its own tests can stage (see
 *       the SFTP transport's tests with a stalled server).
 * </ul>
 */
public abstract class TransportContractTest {
    private static final int BIG = 3 << 20;

    private Transport transport;

    /** A transport onto a fresh, empty server directory; called before every test. */
    protected abstract Transport openTransport() throws Exception;

    /**
     * The local directory where the transport under test stores its objects, when the test can reach
     * it; empty (the default) skips the checks that look behind the transport's back.
     */
    protected Optional<Path> serverDirectory() {
        return Optional.empty();
    }

    /** Called after every test, once the transport is closed; does nothing by default. */
    protected void tearDownServer() throws Exception {
    }

    /** The transport of the current test. */
    protected final Transport transport() {
        return transport;
    }

    @BeforeEach
    public final void openTheTransport() throws Exception {
        transport = openTransport();
        assertThat(transport.list()).as("the server directory of a new test must be empty").isEmpty();
    }

    @AfterEach
    public final void closeTheTransport() throws Exception {
        try {
            if (transport != null) {
                transport.close();
            }
        } finally {
            tearDownServer();
        }
    }

    @Test
    public final void committedObjectsAreListedWithTheirSizeAndReadBack() throws IOException {
        byte[] big = random(BIG, 1);

        put("archive.tar.zst", big, false);
        put("empty.json", new byte[0], false);

        assertThat(transport.list()).extracting(StoredObject::name, StoredObject::size)
                .containsExactlyInAnyOrder(tuple("archive.tar.zst", (long) BIG), tuple("empty.json", 0L));
        assertThat(read("archive.tar.zst")).isEqualTo(big);
        assertThat(read("empty.json")).isEmpty();
        assertThat(transport.list()).allSatisfy(o -> assertThat(o.modified()).isNotNull());
        assertDirectoryHoldsExactly("archive.tar.zst", "empty.json");
    }

    @Test
    public final void readsOfEverySizeGiveTheObjectsBytesInOrder() throws IOException {
        byte[] big = random(BIG, 7);
        put("sizes.tar", big, false);

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Random sizes = new Random(11);
        try (InputStream in = transport.open("sizes.tar")) {
            assertThat(in.read(new byte[1], 0, 0)).isZero();
            while (true) {
                int kind = sizes.nextInt(4);
                if (kind == 0) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    got.write(b);
                    continue;
                }
                // small reads, reads around the transport's own buffer sizes, reads larger than them
                int size = kind == 1 ? 1 + sizes.nextInt(64) : kind == 2 ? 1 + sizes.nextInt(300_000)
                        : 300_000 + sizes.nextInt(700_000);
                byte[] buffer = new byte[size + 3];
                int n = in.read(buffer, 3, size);
                if (n < 0) {
                    break;
                }
                assertThat(n).isBetween(1, size);
                got.write(buffer, 3, n);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(got.toByteArray()).isEqualTo(big);
    }

    @Test
    public final void nothingIsVisibleBeforeCommit() throws IOException {
        byte[] data = random(200_000, 2);
        try (ObjectUpload upload = transport.create("pending.tar", false)) {
            writeInChunks(upload, data, new Random(3));
            upload.stream().flush();

            assertThat(transport.list()).isEmpty();
            assertThatThrownBy(() -> transport.open("pending.tar")).isInstanceOf(NoSuchFileException.class);

            upload.commit();
        }
        assertThat(transport.list()).extracting(StoredObject::name).containsExactly("pending.tar");
        assertThat(read("pending.tar")).isEqualTo(data);
    }

    @Test
    public final void closeWithoutCommitLeavesNothingBehind() throws IOException {
        ObjectUpload upload = transport.create("abandoned.tar", false);
        writeInChunks(upload, random(300_000, 4), new Random(5));

        upload.close();
        upload.close(); // safe twice

        assertThat(transport.list()).isEmpty();
        assertThatThrownBy(() -> transport.open("abandoned.tar")).isInstanceOf(NoSuchFileException.class);
        assertDirectoryHoldsExactly();
    }

    @Test
    public final void closeAfterCommitKeepsTheObject() throws IOException {
        ObjectUpload upload = transport.create("kept.json", false);
        upload.stream().write(new byte[] {1, 2, 3});
        upload.commit();

        upload.close();
        upload.close();

        assertThat(read("kept.json")).containsExactly(1, 2, 3);
    }

    @Test
    public final void createWithoutReplaceFailsWhenTheNameExistsAndKeepsTheOriginal() throws IOException {
        byte[] original = random(100_000, 6);
        put("b.json", original, false);

        Throwable thrown;
        ObjectUpload upload = null;
        try {
            upload = transport.create("b.json", false);
            writeInChunks(upload, random(50_000, 7), new Random(8));
            thrown = catchThrowable(upload::commit);
        } catch (FileAlreadyExistsException e) {
            thrown = e; // refusing at create is allowed too
        } finally {
            if (upload != null) {
                upload.close();
            }
        }

        assertThat(thrown).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(read("b.json")).isEqualTo(original);
        assertThat(transport.list()).extracting(StoredObject::name, StoredObject::size)
                .containsExactly(tuple("b.json", (long) original.length));
        assertDirectoryHoldsExactly("b.json");
    }

    @Test
    public final void commitWithoutReplaceFailsWhenTheNameAppearedMeanwhile() throws IOException {
        byte[] first = random(70_000, 9);
        byte[] second = random(80_000, 10);
        try (ObjectUpload slow = transport.create("c.json", false)) {
            writeInChunks(slow, first, new Random(11));
            put("c.json", second, false);

            assertThatThrownBy(slow::commit).isInstanceOf(FileAlreadyExistsException.class);
        }

        assertThat(read("c.json")).isEqualTo(second);
        assertDirectoryHoldsExactly("c.json");
    }

    @Test
    public final void replaceSwapsTheObjectAtomically() throws IOException {
        byte[] old = random(1 << 20, 12);
        byte[] replacement = random(700_000, 13);
        put("d.json", old, false);

        byte[] readDuringReplace;
        try (InputStream before = transport.open("d.json");
                ObjectUpload upload = transport.create("d.json", true)) {
            byte[] head = before.readNBytes(1000);
            writeInChunks(upload, replacement, new Random(14));
            assertThat(read("d.json")).isEqualTo(old); // not yet committed

            upload.commit();

            byte[] tail = before.readAllBytes();
            readDuringReplace = concat(head, tail);
        }

        assertThat(readDuringReplace).satisfiesAnyOf(b -> assertThat(b).isEqualTo(old),
                b -> assertThat(b).isEqualTo(replacement));
        assertThat(read("d.json")).isEqualTo(replacement);
        assertThat(transport.list()).extracting(StoredObject::name, StoredObject::size)
                .containsExactly(tuple("d.json", (long) replacement.length));
        assertDirectoryHoldsExactly("d.json");
    }

    @Test
    public final void replaceCreatesAMissingObject() throws IOException {
        put("new.json", new byte[] {42}, true);

        assertThat(read("new.json")).containsExactly(42);
    }

    @Test
    public final void deleteReturnsTrueThenFalse() throws IOException {
        put("e.json", new byte[] {1}, false);
        put("f.json", new byte[] {2}, false);

        assertThat(transport.delete("e.json")).isTrue();
        assertThat(transport.delete("e.json")).isFalse();
        assertThat(transport.list()).extracting(StoredObject::name).containsExactly("f.json");
        assertThatThrownBy(() -> transport.open("e.json")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    public final void openOfAMissingObjectThrowsNoSuchFileException() {
        assertThatThrownBy(() -> transport.open("missing.tar.zst")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    public final void listIgnoresNamesStartingWithADot() throws IOException {
        Path directory = serverDirectory().orElse(null);
        assumeTrue(directory != null, "the subclass gives no server directory");
        Files.write(directory.resolve(".hidden"), new byte[] {1});
        Files.write(directory.resolve(".g.json.0123.part"), new byte[] {2});
        put("g.json", new byte[] {3}, false);

        try (ObjectUpload pending = transport.create("h.json", false)) {
            pending.stream().write(4);
            pending.stream().flush();

            assertThat(transport.list()).extracting(StoredObject::name).containsExactly("g.json");
        }
    }

    @Test
    public final void testPassesOnAGoodServerAndLeavesNothing() throws IOException {
        transport.test();

        assertThat(transport.list()).isEmpty();
        assertDirectoryHoldsExactly();
    }

    @Test
    public final void interleavedUploadsOfDifferentNamesBothCommit() throws IOException {
        byte[] one = random(1 << 20, 15);
        byte[] two = random(900_000, 16);
        try (ObjectUpload first = transport.create("one.tar", false);
                ObjectUpload second = transport.create("two.tar", false)) {
            Random sizes = new Random(17);
            int a = 0;
            int b = 0;
            while (a < one.length || b < two.length) {
                int n = Math.min(one.length - a, 1 + sizes.nextInt(65_536));
                first.stream().write(one, a, n);
                a += n;
                int m = Math.min(two.length - b, 1 + sizes.nextInt(65_536));
                second.stream().write(two, b, m);
                b += m;
            }
            second.commit();
            first.commit();
        }

        assertThat(read("one.tar")).isEqualTo(one);
        assertThat(read("two.tar")).isEqualTo(two);
        assertThat(transport.list()).extracting(StoredObject::name, StoredObject::size)
                .containsExactlyInAnyOrder(tuple("one.tar", (long) one.length), tuple("two.tar", (long) two.length));
        assertDirectoryHoldsExactly("one.tar", "two.tar");
    }

    @Test
    public final void removeTemporariesRemovesWhatAKilledUploadLeftAndKeepsTheObject() throws IOException {
        byte[] object = random(150_000, 20);
        put("abc.tar", object, false);
        List<StoredObject> listed = transport.list();
        // writers killed before and after writing: never committed, never closed
        ObjectUpload killedEarly = transport.create("abc.tar", true);
        ObjectUpload killed = transport.create("abc.tar", true);
        writeInChunks(killed, random(300_000, 21), new Random(22));
        killed.stream().flush();

        transport.removeTemporaries("abc.tar");

        assertThat(transport.list()).containsExactlyInAnyOrderElementsOf(listed);
        assertThat(read("abc.tar")).isEqualTo(object);
        assertDirectoryHoldsExactly("abc.tar");
        killed.close(); // a writer that was not killed after all cleans up harmlessly
        killedEarly.close();
        assertThat(read("abc.tar")).isEqualTo(object);
        assertDirectoryHoldsExactly("abc.tar");
    }

    @Test
    public final void removeTemporariesLeavesNamesSharingAPrefixOrSuffixAndTheirUploadsAlone() throws IOException {
        List<String> others = List.of("abc", "abc.tar.zst", "old.abc.tar");
        List<ObjectUpload> inFlight = new ArrayList<>();
        try {
            for (int i = 0; i < others.size(); i++) {
                put(others.get(i), random(10_000 + i, 23 + i), false);
                ObjectUpload upload = transport.create(others.get(i), true);
                writeInChunks(upload, random(60_000 + i, 26 + i), new Random(29));
                upload.stream().flush();
                inFlight.add(upload);
            }
            List<StoredObject> listed = transport.list();
            Set<String> files = directoryFiles();
            ObjectUpload killed = transport.create("abc.tar", false);
            writeInChunks(killed, random(70_000, 30), new Random(31));
            killed.stream().flush();

            transport.removeTemporaries("abc.tar");

            assertThat(transport.list()).containsExactlyInAnyOrderElementsOf(listed);
            assertThat(directoryFiles()).as("the files in the server directory").isEqualTo(files);
            for (int i = 0; i < others.size(); i++) {
                inFlight.get(i).commit();
                assertThat(read(others.get(i))).isEqualTo(random(60_000 + i, 26 + i));
            }
            killed.close();
        } finally {
            for (ObjectUpload upload : inFlight) {
                upload.close();
            }
        }
        assertDirectoryHoldsExactly(others.toArray(String[]::new));
    }

    @Test
    public final void removeTemporariesTwiceOrWithoutAnyDoesNothing() throws IOException {
        put("a.json", new byte[] {1, 2}, false);
        transport.removeTemporaries("a.json");
        transport.removeTemporaries("never-written.tar");
        ObjectUpload killed = transport.create("a.json", true);
        killed.stream().write(new byte[] {3});
        killed.stream().flush();

        transport.removeTemporaries("a.json");
        transport.removeTemporaries("a.json");

        assertThat(transport.list()).extracting(StoredObject::name, StoredObject::size)
                .containsExactly(tuple("a.json", 2L));
        assertThat(read("a.json")).containsExactly(1, 2);
        assertDirectoryHoldsExactly("a.json");
        killed.close();
    }

    @Test
    public final void closingTheTransportFromAnotherThreadFailsTheNextReadOfAnOpenStream() throws Exception {
        byte[] big = random(BIG, 32);
        put("big.tar", big, false);
        InputStream in = transport.open("big.tar");
        try {
            assertThat(in.readNBytes(1000)).isEqualTo(Arrays.copyOf(big, 1000));

            closeFromAnotherThread();

            assertThatThrownBy(() -> in.read(new byte[64 * 1024])).isInstanceOf(IOException.class);
            assertThatThrownBy(in::read).isInstanceOf(IOException.class);
        } finally {
            in.close(); // harmless after the transport closed
        }
    }

    @Test
    public final void anUploadOpenWhenTheTransportClosesNeverCommits() throws Exception {
        ObjectUpload upload = transport.create("late.tar", false);
        try {
            writeInChunks(upload, random(200_000, 33), new Random(34));

            closeFromAnotherThread();

            assertThat(catchThrowable(() -> {
                upload.stream().write(random(300_000, 35));
                upload.commit();
            })).isInstanceOf(IOException.class);
        } finally {
            upload.close(); // harmless after the transport closed
        }
        if (serverDirectory().isPresent()) {
            // a temporary may stay (a closed connection cannot remove it): removeTemporaries is for that
            assertThat(directoryFiles()).doesNotContain("late.tar");
        }
    }

    // --- helpers for subclasses and tests ---

    /**
     * Closes the transport of the current test on another thread, as the engine's abort does, and
     * waits for that; fails when the close takes more than 10 s.
     */
    protected final void closeFromAnotherThread() throws Exception {
        CompletableFuture.runAsync(() -> {
            try {
                transport.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** Creates, writes in uneven chunks, commits and closes an object. */
    protected final void put(String name, byte[] content, boolean replace) throws IOException {
        try (ObjectUpload upload = transport.create(name, replace)) {
            writeInChunks(upload, content, new Random(content.length));
            upload.commit();
        }
    }

    /** The whole content of an object. */
    protected final byte[] read(String name) throws IOException {
        try (InputStream in = transport.open(name)) {
            return in.readAllBytes();
        }
    }

    /** Pseudo-random bytes, the same for the same seed. */
    protected static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void writeInChunks(ObjectUpload upload, byte[] content, Random sizes) throws IOException {
        int at = 0;
        while (at < content.length) {
            int n = Math.min(content.length - at, 1 + sizes.nextInt(100_000));
            if (n == 1) {
                upload.stream().write(content[at]);
            } else {
                upload.stream().write(content, at, n);
            }
            at += n;
        }
    }

    /** When the subclass gives the directory: it holds exactly these names, no temporaries. */
    private void assertDirectoryHoldsExactly(String... names) throws IOException {
        if (serverDirectory().isPresent()) {
            assertThat(directoryFiles()).as("the files in the server directory").containsExactlyInAnyOrder(names);
        }
    }

    /** The names in the server directory, temporaries included; empty when the subclass gives none. */
    private Set<String> directoryFiles() throws IOException {
        Set<String> names = new TreeSet<>();
        Optional<Path> directory = serverDirectory();
        if (directory.isPresent()) {
            try (Stream<Path> files = Files.list(directory.get())) {
                files.forEach(f -> names.add(f.getFileName().toString()));
            }
        }
        return names;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    public final void closingAReadStreamTwiceIsHarmless() throws IOException {
        try (ObjectUpload upload = transport().create("twice", false)) {
            upload.stream().write(new byte[] {1, 2, 3});
            upload.commit();
        }
        InputStream in = transport().open("twice");
        in.readAllBytes();
        in.close();
        in.close();
        try (InputStream again = transport().open("twice")) {
            assertThat(again.readAllBytes()).containsExactly(1, 2, 3);
        }
    }
}
