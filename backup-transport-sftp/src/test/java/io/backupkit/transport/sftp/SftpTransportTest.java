package io.backupkit.transport.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import io.backupkit.spi.TransportSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SFTP transport's own rules beyond the contract ({@link EmbeddedSftpTransportTest} runs that):
 * what its temporaries are, and how it fails on a server that stops answering, by itself or closed
 * from another thread. Against the embedded server, through a {@link FaultProxy} to stall the line.
 */
@Timeout(60)
final class SftpTransportTest {
    /** Larger than the window (8 MiB) and the reads in flight: a stalled download runs dry mid-way. */
    private static final int LARGE = 24 << 20;

    @TempDir
    Path root;
    private EmbeddedSftpServer server;
    private FaultProxy proxy;
    private volatile boolean leftInterrupted;

    @BeforeEach
    void start() throws IOException {
        server = EmbeddedSftpServer.builder(root).authorizedKey(SftpKeys.CLIENT.getPublic()).start();
        proxy = FaultProxy.to(server.port());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        server.close();
    }

    private Transport connect(TransportSettings settings) throws IOException {
        return new SftpTransportProvider().open(SftpKeys.trusting(SftpKeys.server("127.0.0.1", proxy.port(), "backup",
                "/b"), server.hostKeyFingerprint(), settings));
    }

    private Path directory() {
        return root.resolve("b");
    }

    private Path temporary(String name) {
        return directory().resolve("." + name + "." + UUID.randomUUID() + ".part");
    }

    @Test
    void removeTemporariesRemovesWhatAConnectionThatDiedLeftAndNothingElse() throws IOException {
        try (Transport transport = connect(TransportSettings.DEFAULTS)) {
            put(transport, "abc.tar", new byte[] {1, 2, 3});
            // a writer whose connection died mid-upload: its temporary stays on the server
            Transport dead = connect(TransportSettings.DEFAULTS);
            ObjectUpload upload = dead.create("abc.tar", true);
            upload.stream().write(new byte[300_000]);
            upload.stream().flush();
            dead.close();
            Path older = Files.write(temporary("abc.tar"), new byte[] {4});
            Files.setLastModifiedTime(older, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
            Set<String> others = Set.of(
                    Files.write(temporary("abc"), new byte[] {5}).getFileName().toString(),
                    Files.write(temporary("abc.tar.zst"), new byte[] {6}).getFileName().toString(),
                    Files.write(temporary("old.abc.tar"), new byte[] {7}).getFileName().toString(),
                    Files.createDirectory(temporary("abc.tar")).getFileName().toString(),
                    Files.write(directory().resolve(".abc.tar.part"), new byte[] {8}).getFileName().toString(),
                    Files.write(directory().resolve(".abc.tar.0123.part"), new byte[] {9}).getFileName().toString(),
                    Files.write(directory().resolve("abc.tar.bak"), new byte[] {10}).getFileName().toString());
            assertThat(files()).hasSize(others.size() + 3);

            transport.removeTemporaries("abc.tar");

            Set<String> expected = new TreeSet<>(others);
            expected.add("abc.tar");
            assertThat(files()).isEqualTo(expected);
            assertThat(transport.list()).extracting(StoredObject::name)
                    .containsExactlyInAnyOrder("abc.tar", "abc.tar.bak");
            assertThat(read(transport, "abc.tar")).containsExactly(1, 2, 3);
        }
    }

    @Test
    void listRemovesOnlyItsOwnTemporariesOnceStale() throws IOException {
        Files.createDirectories(directory());
        Instant old = Instant.now().minus(Duration.ofHours(25));
        Path stale = Files.write(temporary("x.tar"), new byte[] {1});
        Path fresh = Files.write(temporary("y.tar"), new byte[] {2});
        Path notOurs = Files.write(directory().resolve(".someone-else.part"), new byte[] {3});
        for (Path path : new Path[] {stale, notOurs}) {
            Files.setLastModifiedTime(path, FileTime.from(old));
        }

        try (Transport transport = connect(TransportSettings.DEFAULTS)) {
            assertThat(transport.list()).isEmpty();
        }

        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(notOurs).exists();
    }

    @Test
    void aDownloadFromAServerThatStopsAnsweringFailsWithinTheIoTimeout() throws IOException {
        TransportSettings settings = SftpKeys.quick();
        writeLargeObject();
        try (Transport transport = connect(settings); InputStream in = transport.open("large.tar")) {
            in.readNBytes(1 << 20);
            proxy.stall();
            long stalled = System.nanoTime();

            assertThatThrownBy(() -> drain(in)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("backup@127.0.0.1:" + proxy.port() + " '/b': cannot read 'large.tar': ")
                    .hasMessageContaining("no answer within 3 s");
            assertThat(Duration.ofNanos(System.nanoTime() - stalled))
                    .isBetween(settings.ioTimeout().minusMillis(500), settings.ioTimeout().plusSeconds(5));
        }
    }

    @Test
    void closingFromAnotherThreadFailsADownloadBlockedOnAStalledServerAtOnce() throws Exception {
        writeLargeObject();
        Transport transport = connect(TransportSettings.DEFAULTS); // 60 s I/O timeout: the close must end the read
        try (InputStream in = transport.open("large.tar")) {
            in.readNBytes(1 << 20);
            proxy.stall();
            // what was read ahead runs out; the reader waits for a server that says nothing
            CompletableFuture<Throwable> reader = inBackground(() -> drain(in));

            assertClosingEndsPromptly(transport, reader, "cannot read 'large.tar': the transport was closed");
        } finally {
            proxy.resume();
            transport.close();
        }
    }

    @Test
    void closingFromAnotherThreadEndsAnUploadToAStalledServerAndNeverPublishes() throws Exception {
        Transport transport = connect(TransportSettings.DEFAULTS); // 60 s I/O timeout: the close must end the write
        ObjectUpload upload = transport.create("stalled.tar", false);
        try {
            upload.stream().write(new byte[1 << 20]);
            proxy.stall();
            // the server's window fills up; the writer waits for it to open
            CompletableFuture<Throwable> writer = inBackground(() -> {
                byte[] chunk = new byte[1 << 20];
                for (int i = 0; i < 64; i++) {
                    upload.stream().write(chunk);
                }
                upload.commit();
            });

            assertClosingEndsPromptly(transport, writer, "cannot write 'stalled.tar': the transport was closed");
        } finally {
            upload.close();
            proxy.resume();
        }
        assertThat(files()).doesNotContain("stalled.tar");
    }

    /**
     * Lets {@code blocked} get stuck on the stalled server, then closes the transport from another
     * thread: the close and the blocked call must end within 2 s, the call with {@code message} and
     * its thread not interrupted.
     */
    private void assertClosingEndsPromptly(Transport transport, CompletableFuture<Throwable> blocked, String message)
            throws Exception {
        Thread.sleep(1_500);
        assertThat(blocked).as("blocked on the stalled server").isNotDone();

        long closing = System.nanoTime();
        CompletableFuture.runAsync(() -> closeQuietly(transport)).get(2, TimeUnit.SECONDS);
        Throwable failure = blocked.get(2, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(2));
        assertThat(failure).isInstanceOf(IOException.class)
                .hasMessage("backup@127.0.0.1:" + proxy.port() + " '/b': " + message);
        assertThat(leftInterrupted).as("the blocked thread is left interrupted").isFalse();
    }

    private void writeLargeObject() throws IOException {
        byte[] data = new byte[LARGE];
        new Random(3).nextBytes(data);
        Files.createDirectories(directory());
        Files.write(directory().resolve("large.tar"), data);
    }

    /** What may fail with an IOException. */
    private interface IoAction {
        void run() throws IOException;
    }

    /**
     * Runs {@code action} on another thread; completes with its IOException (null when it had none) and
     * notes in {@link #leftInterrupted} whether it left that thread interrupted.
     */
    private CompletableFuture<Throwable> inBackground(IoAction action) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                action.run();
                return null;
            } catch (IOException e) {
                return e;
            } finally {
                leftInterrupted |= Thread.interrupted();
            }
        });
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (in.read(buffer) >= 0) {
            // until the failure
        }
        throw new IllegalStateException("the whole object arrived through a stalled line");
    }

    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(Transport transport, String name, byte[] content) throws IOException {
        try (ObjectUpload upload = transport.create(name, false)) {
            upload.stream().write(content);
            upload.commit();
        }
    }

    private static byte[] read(Transport transport, String name) throws IOException {
        try (InputStream in = transport.open(name)) {
            return in.readAllBytes();
        }
    }

    private Set<String> files() throws IOException {
        try (Stream<Path> files = Files.list(directory())) {
            return new TreeSet<>(files.map(f -> f.getFileName().toString()).toList());
        }
    }
}
