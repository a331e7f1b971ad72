package io.backupkit.core.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.api.Server;
import io.backupkit.spi.Connection;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import io.backupkit.spi.TransportSettings;
import io.backupkit.testkit.Commands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local-directory transport's own rules. The shared transport contract runs against it in
 * {@link LocalTransportContractTest}.
 */
final class LocalTransportTest {
    @TempDir
    Path temp;

    private Transport transport;

    private Path server() {
        return temp.resolve("server");
    }

    @BeforeEach
    void open() throws IOException {
        transport = new LocalTransport(server());
    }

    @AfterEach
    void close() throws IOException {
        transport.close();
    }

    private Transport transport() {
        return transport;
    }

    private void put(String name, byte[] content, boolean replace) throws IOException {
        try (ObjectUpload upload = transport.create(name, replace)) {
            upload.stream().write(content);
            upload.commit();
        }
    }

    @Test
    void listRemovesAStaleTemporaryAndKeepsAFreshOne() throws IOException {
        Path stale = Files.write(server().resolve(".x." + UUID.randomUUID() + ".part"), new byte[] {1});
        Path fresh = Files.write(server().resolve(".y." + UUID.randomUUID() + ".part"), new byte[] {2});
        Path other = Files.write(server().resolve(".not-a-temporary"), new byte[] {3});
        Instant now = Instant.now();
        Files.setLastModifiedTime(stale, FileTime.from(now.minus(Duration.ofHours(25))));
        Files.setLastModifiedTime(fresh, FileTime.from(now.minus(Duration.ofHours(23))));
        Files.setLastModifiedTime(other, FileTime.from(now.minus(Duration.ofDays(30))));

        assertThat(transport().list()).isEmpty();

        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(other).exists();
    }

    @Test
    void listShowsOnlyRegularFiles() throws IOException {
        Files.createDirectory(server().resolve("subdir"));
        Files.createSymbolicLink(server().resolve("link"), temp);
        put("a.json", new byte[] {1, 2}, false);

        assertThat(transport().list()).extracting(StoredObject::name).containsExactly("a.json");
    }

    @Test
    void refusesNamesThatAreNotPlainFileNames() {
        for (String name : new String[] {"", ".hidden", "a/b", "../x", "a\\b", "a\0b"}) {
            assertThatThrownBy(() -> transport().create(name, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Object name '" + name + "' is not a plain file name");
            assertThatThrownBy(() -> transport().open(name)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> transport().delete(name)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void testFailsWhenTheDirectoryIsMissing() throws IOException {
        Files.delete(server());

        assertThatThrownBy(() -> transport().test())
                .isInstanceOf(IOException.class)
                .hasMessage("Directory '" + server() + "' is not a writable directory");
    }

    @Test
    void testFailsWhenAFileStandsInPlaceOfTheDirectory() throws IOException {
        // tests run as root, for whom no permission bit makes a directory unwritable
        Files.delete(server());
        Files.write(server(), new byte[] {1});

        assertThatThrownBy(() -> transport().test())
                .isInstanceOf(IOException.class)
                .hasMessage("Directory '" + server() + "' is not a writable directory");
    }

    @Test
    void refusesToOpenOntoARegularFile() throws IOException {
        Path file = Files.write(temp.resolve("file"), new byte[] {1});

        assertThatThrownBy(() -> new LocalTransport(file)).isInstanceOf(IOException.class);
    }

    @Test
    void providerSupportsAnEmptyHostOrAFilePath() {
        LocalTransportProvider provider = new LocalTransportProvider();

        assertThat(provider.name()).isEqualTo("local");
        assertThat(provider.supports(server("", "/srv/backups"))).isTrue();
        assertThat(provider.supports(server("backup.example.com", "file:/x"))).isTrue();
        assertThat(provider.supports(server("localhost", "file:/x"))).isTrue();
        assertThat(provider.supports(server("backup.example.com", "/x"))).isFalse();
        assertThat(provider.supports(server("localhost", "/x"))).isFalse();
    }

    @Test
    void providerMapsThePathToADirectory() {
        assertThat(LocalTransportProvider.directory(server("", "/srv/backups"))).isEqualTo(Path.of("/srv/backups"));
        assertThat(LocalTransportProvider.directory(server("h", "file:/x"))).isEqualTo(Path.of("/x"));
        assertThat(LocalTransportProvider.directory(server("", "file:///srv/b"))).isEqualTo(Path.of("/srv/b"));
    }

    @Test
    void providerRefusesARelativePath() {
        assertThatThrownBy(() -> LocalTransportProvider.directory(server("", "backups")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The path 'backups' of local server 'filer' is not absolute");
        assertThatThrownBy(() -> LocalTransportProvider.directory(server("h", "file:backups")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The path 'file:backups' of local server 'filer' is not absolute");
        assertThatThrownBy(() -> new LocalTransportProvider().open(connection(server("", "backups"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void providerOpensATransportOntoTheDirectory() throws IOException {
        Path dir = temp.resolve("via-provider");
        try (Transport transport = new LocalTransportProvider().open(connection(server("", "file:" + dir)))) {
            transport.test();
            try (var upload = transport.create("x.json", false)) {
                upload.stream().write(7);
                upload.commit();
            }
        }

        assertThat(dir.resolve("x.json")).hasBinaryContent(new byte[] {7});
    }

    private static Server server(String host, String path) {
        return new Server(null, "filer", "", host, 22, path, "", null, null);
    }

    private static Connection connection(Server server) {
        return new Connection(server, null, fingerprint -> { }, TransportSettings.DEFAULTS);
    }

    // --- temporaries

    private Path temporary(String name) {
        return server().resolve("." + name + "." + UUID.randomUUID() + ".part");
    }

    private Set<String> files() throws IOException {
        try (Stream<Path> files = Files.list(server())) {
            return new TreeSet<>(files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void removeTemporariesRemovesTheLeftoversOfADeadProcessCommittedOrNotAndNothingElse() throws IOException {
        put("abc.tar", new byte[] {1, 2, 3}, false);
        // killed before the commit, a day ago
        Path uncommitted = Files.write(temporary("abc.tar"), new byte[] {4});
        Files.setLastModifiedTime(uncommitted, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        // killed between the link that published the object and the unlink of the temporary
        Files.createLink(temporary("abc.tar"), server().resolve("abc.tar"));
        Set<String> others = new TreeSet<>(List.of(
                Files.write(temporary("abc"), new byte[] {5}).getFileName().toString(),
                Files.write(temporary("abc.tar.zst"), new byte[] {6}).getFileName().toString(),
                Files.write(temporary("old.abc.tar"), new byte[] {7}).getFileName().toString(),
                Files.createDirectory(temporary("abc.tar")).getFileName().toString(),
                Files.createSymbolicLink(temporary("abc.tar"), server().resolve("abc.tar")).getFileName().toString(),
                Files.write(server().resolve(".abc.tar.part"), new byte[] {8}).getFileName().toString(),
                Files.write(server().resolve(".abc.tar.0123.part"), new byte[] {9}).getFileName().toString(),
                Files.write(server().resolve(".abc.tar." + UUID.randomUUID().toString().toUpperCase() + ".part"),
                        new byte[] {10}).getFileName().toString(),
                Files.write(server().resolve("abc.tar.bak"), new byte[] {11}).getFileName().toString()));
        assertThat(files()).hasSize(others.size() + 3);

        transport().removeTemporaries("abc.tar");

        Set<String> expected = new TreeSet<>(others);
        expected.add("abc.tar");
        assertThat(files()).isEqualTo(expected);
        assertThat(transport().list()).extracting(StoredObject::name)
                .containsExactlyInAnyOrder("abc.tar", "abc.tar.bak");
        try (InputStream in = transport().open("abc.tar")) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void listRemovesOnlyItsOwnStaleTemporariesAndNeverFailsOnOtherHiddenFiles() throws IOException {
        Instant old = Instant.now().minus(Duration.ofHours(25));
        Path stale = Files.write(temporary("x.tar"), new byte[] {1});
        Path notOurs = Files.write(server().resolve(".someone-else.part"), new byte[] {2});
        Path directory = Files.createDirectory(temporary("y.tar"));
        Files.write(directory.resolve("inside"), new byte[] {3});
        for (Path path : List.of(stale, notOurs, directory)) {
            Files.setLastModifiedTime(path, FileTime.from(old));
        }

        assertThat(transport().list()).isEmpty();

        assertThat(stale).doesNotExist();
        assertThat(notOurs).exists();
        assertThat(directory.resolve("inside")).exists();
    }

    // --- objects that are not regular files

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a FIFO's open would block for ever
    void aFifoNamedLikeAnArchiveOrARecordIsRefusedAtOnceAndNotListed() throws IOException {
        String id = UUID.randomUUID().toString();
        mkfifo(server().resolve(id + ".tar.zst"));
        mkfifo(server().resolve(id + ".json"));
        put("other.json", new byte[] {1}, false);

        assertThat(transport().list()).extracting(StoredObject::name).containsExactly("other.json");
        for (String name : List.of(id + ".tar.zst", id + ".json")) {
            assertThatThrownBy(() -> transport().open(name).close())
                    .isInstanceOf(IOException.class)
                    .hasMessage("Object '" + name + "' in '" + server() + "' is a FIFO, not a regular file");
        }
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void directoriesSymbolicLinksDevicesAndSocketsAreRefusedSayingWhatTheyAre() throws IOException {
        put("real.json", new byte[] {1}, false);
        Files.createDirectory(server().resolve("dir.tar"));
        Files.createSymbolicLink(server().resolve("link.json"), server().resolve("real.json"));
        Commands.Result mknod = Commands.run(Duration.ofSeconds(10),
                List.of("mknod", server().resolve("device.tar").toString(), "c", "1", "3"));
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(server().resolve("socket.json")));

            assertThat(transport().list()).extracting(StoredObject::name).containsExactly("real.json");
            assertRefused("dir.tar", "a directory");
            assertRefused("link.json", "a symbolic link");
            assertRefused("socket.json", "a socket");
            assumeTrue(mknod.succeeded(), "mknod needs root: " + mknod);
            assertRefused("device.tar", "a character device");
        }
    }

    private void assertRefused(String name, String kind) {
        assertThatThrownBy(() -> transport().open(name).close())
                .isInstanceOf(IOException.class)
                .hasMessage("Object '" + name + "' in '" + server() + "' is " + kind + ", not a regular file");
    }

    private static void mkfifo(Path path) {
        Commands.Result result;
        try {
            result = Commands.run(Duration.ofSeconds(10), List.of("mkfifo", path.toString()));
        } catch (UncheckedIOException e) {
            result = null;
        }
        assumeTrue(result != null && result.succeeded(), "mkfifo is needed: " + result);
    }

    // --- closing from another thread

    /** Closes the transport on another thread, as the engine's abort does; it must not take 2 s. */
    private void closeFromAnotherThread() throws Exception {
        CompletableFuture.runAsync(((LocalTransport) transport)::close).get(2, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(30)
    void closingFromAnotherThreadFailsAReadInProgressNamingTheObject() throws Exception {
        put("big.tar", new byte[8 << 20], false);
        InputStream in = transport().open("big.tar");
        CountDownLatch reading = new CountDownLatch(1);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                while (in.read() >= 0) { // a system call per byte: far longer than the test takes
                    reading.countDown();
                }
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

        closeFromAnotherThread();

        assertThat(reader.get(2, TimeUnit.SECONDS)).isInstanceOf(IOException.class)
                .hasMessage("Cannot read 'big.tar' in '" + server() + "': the transport was closed");
        in.close();
    }

    @Test
    void anUploadClosedAfterTheTransportRemovesItsTemporaryAndCallsFailNamingTheDirectory() throws Exception {
        ObjectUpload upload = transport().create("late.tar", false);
        upload.stream().write(new byte[1000]);

        closeFromAnotherThread();

        assertThatThrownBy(() -> upload.stream().write(new byte[1000])).isInstanceOf(IOException.class)
                .hasMessage("Cannot write 'late.tar' in '" + server() + "': the transport was closed");
        assertThatThrownBy(upload::commit).isInstanceOf(IOException.class)
                .hasMessage("Cannot write 'late.tar' in '" + server() + "': the transport was closed");
        upload.close();
        assertThat(files()).isEmpty();
        String closed = "The transport of '" + server() + "' is closed";
        assertThatThrownBy(() -> transport().create("x", false)).hasMessage(closed);
        assertThatThrownBy(() -> transport().open("x")).hasMessage(closed);
        assertThatThrownBy(() -> transport().list()).hasMessage(closed);
        assertThatThrownBy(() -> transport().delete("x")).hasMessage(closed);
        assertThatThrownBy(() -> transport().removeTemporaries("x")).hasMessage(closed);
        assertThatThrownBy(() -> transport().test()).hasMessage(closed);
        transport().close(); // twice is harmless
    }
}
